package org.myelin.tcp;

import org.myelin.core.link.EncodedBurst;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;

/** A TCP link as the engine sees it. */
record LinkConnection(Link link) implements ReplicationConnection {
    @Override
    public String describe() {
        return link.side().name().toLowerCase(java.util.Locale.ROOT) + ":" + link.name() + "@" + link.remoteAddress();
    }

    /** {@link #describe()}: logs take the connection itself, so the text is built only when printed. */
    @Override
    public String toString() {
        return describe();
    }

    @Override
    public void send(Command command) {
        link.send(command);
    }

    @Override
    public void sendEncoded(Command command, byte[] line) {
        link.sendEncoded(command, line);
    }

    @Override
    public void sendBurst(EncodedBurst burst) {
        link.sendBurst(burst);
    }

    @Override
    public void close(String errorReason) {
        link.close(errorReason);
    }

    @Override
    public void markEstablished() {
        link.markEstablished();
    }

    @Override
    public void setReading(boolean reading) {
        link.setReading(reading);
    }
}
