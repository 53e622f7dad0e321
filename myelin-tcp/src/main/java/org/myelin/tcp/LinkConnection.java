package org.myelin.tcp;

import org.myelin.core.link.EncodedBurst;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;

/** A TCP link as the engine sees it. */
final class LinkConnection implements ReplicationConnection {
    private final Link link;
    /**
     * Set once {@link EngineLinks#onReadComplete} was heard for this link: only then do the
     * engine's handlers wait for it. A listener in between that does not pass it on (a test's
     * decorator, say) leaves the link waking them per command, as before.
     */
    private volatile boolean readBatches;

    LinkConnection(Link link) {
        this.link = link;
    }

    void readBatchesHeard() {
        readBatches = true;
    }

    @Override
    public String describe() {
        return link.side().name().toLowerCase(java.util.Locale.ROOT) + ":" + link.name() + "@" + link.remoteAddress();
    }

    /** Whether the link's reads end in {@link EngineLinks#onReadComplete} (see {@link #readBatchesHeard}). */
    @Override
    public boolean reportsReadBatches() {
        return readBatches;
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
