package org.myelin.tcp;

import java.util.Set;
import org.myelin.protocol.Command;

/**
 * What the engine hears from direct TCP links.
 *
 * <p>Every method is called on the Netty event loop that owns the link, in the order things
 * happened on that link. <strong>Implementations must not block</strong>: a blocked call stalls
 * every link sharing that event loop, including their keepalives. Hand work that does I/O to
 * another thread. An exception thrown by a method is logged and counted; it does not close the
 * link.
 *
 * <p>{@link #onOpen} is called once per link before any other method for it, and
 * {@link #onClose} once after every other; a link that failed before it opened (a client that met
 * the wrong server) produces no call at all.
 */
public interface LinkListener {

    /**
     * A link is ready: for a server, the client connected and was sent {@code SERVER} and
     * {@code PING}; for a client, the server's {@code SERVER} name was checked.
     */
    void onOpen(Link link);

    /**
     * A handler-level command arrived: {@code REPLICATE}, {@code RDATA}, {@code POSITION},
     * {@code USER_SYNC}, {@code CLEAR_USER_SYNC}, {@code FEDERATION_ACK}, {@code USER_IP},
     * {@code REMOTE_SERVER_UP}, {@code LOCK_RELEASED} or {@code NEW_ACTIVE_TASK}, already checked to
     * be one the peer may send. Protocol-level commands ({@code PING}, {@code NAME},
     * {@code SERVER}, {@code ERROR}) are handled by the link itself.
     */
    void onCommand(Link link, Command command);

    /**
     * RDATA of these streams were discarded on this link (congestion, or a row too long to send);
     * send a {@code POSITION} for each of them so that the peer fetches the gap out of band. Until
     * then the link keeps discarding their RDATA.
     */
    void onCatchUpNeeded(Link link, Set<String> streams);

    /** The link closed; {@code reason} says why, for logs. */
    void onClose(Link link, String reason);

    /**
     * The commands of one read were all handed to {@link #onCommand} (on the link's event loop, right
     * after the last of them): a listener may act on them together. None by default.
     */
    default void onReadComplete(Link link) {}
}
