package org.myelin.core.link;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.myelin.protocol.Command;

/**
 * The links open now, to send a process's own commands ({@code USER_SYNC}, {@code USER_IP},
 * {@code CLEAR_USER_SYNC}, ...) on all of them. A worker has one link to its writer over TCP, one
 * to the bus over Redis; either way, a command sent here reaches the writer when a link is up, and
 * goes nowhere when none is (whoever owns state that matters re-sends it on the next
 * {@link #connected}).
 */
public final class OpenLinks implements ConnectionListener {
    private final List<ReplicationConnection> open = new CopyOnWriteArrayList<>();

    @Override
    public void connected(ReplicationConnection connection) {
        open.add(connection);
    }

    @Override
    public void disconnected(ReplicationConnection connection) {
        open.remove(connection);
    }

    /** Sends {@code command} on every open link; returns how many links it went to. */
    public int sendToAll(Command command) {
        int n = 0;
        for (ReplicationConnection c : open) {
            c.send(command);
            n++;
        }
        return n;
    }

    /** How many links are open. */
    public int size() {
        return open.size();
    }
}
