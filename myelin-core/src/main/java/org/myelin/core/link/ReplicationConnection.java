package org.myelin.core.link;

import org.myelin.protocol.Command;

/**
 * What the engine needs of one replication link, whatever carries it (TCP, Redis). Implementations
 * are thread-safe: the engine calls them from its streamer and background threads.
 */
public interface ReplicationConnection {
    /** A short description for logs, such as {@code tcp:worker1@127.0.0.1:50112}. */
    String describe();

    /** Sends one command (encoded by the transport for this link's dialect). */
    void send(Command command);

    /**
     * Sends a command already encoded once for many links (encode once, write many); {@code line}
     * holds the latest-dialect bytes including the trailing {@code \n}. The link may hold it back
     * until {@link #flush()}, which the caller must call after its last command of a burst.
     */
    default void sendEncoded(Command command, byte[] line) {
        send(command);
    }

    /**
     * Sends commands encoded once for many links, in order, as if each were given to
     * {@link #sendEncoded}; a transport that can write them at once (one buffer, one hand-off, one
     * flush) overrides this. The streamer sends a stream's new rows this way.
     */
    default void sendBurst(EncodedBurst burst) {
        for (int i = 0; i < burst.size(); i++) {
            sendEncoded(burst.command(i), burst.line(i));
        }
    }

    /**
     * The end of a burst of {@link #sendEncoded} calls (the streamer calls it once per pass, after
     * the rows it found): a link that held those commands back, to write them together, writes them
     * now. Links that send each command at once (the default) have nothing to do; {@link #send} never
     * waits for it.
     */
    default void flush() {}

    /** Sends {@code ERROR <reason>} and closes the link; a client link then reconnects. */
    void close(String errorReason);

    /**
     * Tells a reconnecting client that the link is established (every stream caught up), so its
     * reconnect backoff may start again from the beginning. Server links ignore it.
     */
    default void markEstablished() {}

    /**
     * Stops or resumes reading commands from this link: backpressure when the engine's queues for
     * it are full, so that a slow handler bounds memory instead of buffering without end. The peer
     * sees a congested link (a Myelin server puts it in catch-up mode).
     */
    default void setReading(boolean reading) {}

    /**
     * Whether this link's transport calls {@link org.myelin.core.ReplicationEngine#readComplete}
     * after handing over the commands of each read. Then the engine wakes its handlers once per read
     * instead of once per command; a transport that never calls it must answer false (the default),
     * or the commands it hands over would wait.
     */
    default boolean reportsReadBatches() {
        return false;
    }
}
