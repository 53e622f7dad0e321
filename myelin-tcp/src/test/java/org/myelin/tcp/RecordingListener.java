package org.myelin.tcp;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.myelin.protocol.Command;

/** Records what a listener hears; optional reactions let tests play the engine. */
final class RecordingListener implements LinkListener {
    record Received(Link link, Command command) {}
    record CatchUp(Link link, Set<String> streams) {}
    record Closed(Link link, String reason) {}

    final List<Link> opened = new CopyOnWriteArrayList<>();
    final List<Received> commands = new CopyOnWriteArrayList<>();
    final List<CatchUp> catchUps = new CopyOnWriteArrayList<>();
    final List<Closed> closed = new CopyOnWriteArrayList<>();

    volatile Consumer<Link> onOpen = link -> { };
    volatile BiConsumer<Link, Command> onCommand = (link, command) -> { };

    @Override
    public void onOpen(Link link) {
        opened.add(link);
        onOpen.accept(link);
    }

    @Override
    public void onCommand(Link link, Command command) {
        commands.add(new Received(link, command));
        onCommand.accept(link, command);
    }

    @Override
    public void onCatchUpNeeded(Link link, Set<String> streams) {
        catchUps.add(new CatchUp(link, streams));
    }

    @Override
    public void onClose(Link link, String reason) {
        closed.add(new Closed(link, reason));
    }

    /** Whether that command arrived on that link. */
    boolean received(Link link, Command command) {
        return commands.stream().anyMatch(r -> r.link() == link && r.command().equals(command));
    }

    /** Whether that command arrived on any link. */
    boolean received(Command command) {
        return commands.stream().anyMatch(r -> r.command().equals(command));
    }
}
