package org.myelin.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;

/** A link that remembers what was sent on it, as lines. */
public class RecordingConnection implements ReplicationConnection {
    public final List<String> sent = new CopyOnWriteArrayList<>();
    public final List<String> closedWith = new CopyOnWriteArrayList<>();
    public volatile int established;
    public final List<Boolean> reading = new CopyOnWriteArrayList<>();
    private final String name;

    public RecordingConnection(String name) {
        this.name = name;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void send(Command command) {
        sent.add(CommandCodec.encode(command));
    }

    @Override
    public void close(String errorReason) {
        closedWith.add(errorReason);
    }

    @Override
    public void markEstablished() {
        established++;
    }

    @Override
    public void setReading(boolean on) {
        reading.add(on);
    }
}
