package org.myelin.core.link;

/**
 * Told when links come and go, whatever the transport: what a worker needs to re-announce state on
 * every new link (its syncing users), and to know where to send commands of its own.
 */
public interface ConnectionListener {
    /** A link is up (called after the engine itself took it). */
    void connected(ReplicationConnection connection);

    /** A link is gone. */
    void disconnected(ReplicationConnection connection);
}
