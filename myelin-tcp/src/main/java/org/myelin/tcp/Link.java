package org.myelin.tcp;

import java.net.SocketAddress;
import java.util.concurrent.CompletionStage;
import org.myelin.core.link.EncodedBurst;
import org.myelin.protocol.Command;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Side;

/**
 * One direct TCP replication connection, as the engine sees it: something to send commands to.
 *
 * <p>Every method is thread-safe. Sending never blocks: commands are handed to the connection's
 * event loop, which writes them or, while the socket is not writable, queues them up to the bounds
 * of {@link TcpSettings}. When a bound is hit the link enters <em>catch-up mode</em> rather than
 * being dropped: queued and further {@code RDATA} are discarded and, once the socket drains,
 * {@link LinkListener#onCatchUpNeeded} names the streams that lost rows.
 *
 * <p>Dropped RDATA open a gap for their stream on this link: the link keeps discarding that
 * stream's {@code RDATA} until a {@code POSITION} for the stream is sent through it, so the peer
 * always sees the POSITION before any later row. Send that POSITION from the thread that sends the
 * stream's RDATA, so that its token covers every row discarded meanwhile.
 */
public interface Link {

    /** A short identifier for logs, unique within the process ({@code tcp-7}). */
    String id();

    /**
     * Who is on the other end: for a link accepted by a {@link TcpServer}, the last {@code NAME}
     * the client sent (its address until it sends one); for a {@link TcpClient} link, the server's
     * name. Control characters are escaped and the length is cut to 100 characters, so that it can
     * be logged and shown as it is.
     */
    String name();

    /** Which end of the connection this process is. */
    Side side();

    /** The peer's address. */
    SocketAddress remoteAddress();

    /** The wire format this link speaks; encode for it when using {@link #sendEncoded}. */
    Dialect dialect();

    /** Whether the link is open and not closing: commands sent now may still reach the peer. */
    boolean isOpen();

    /**
     * Sends a command. Thread-safe and non-blocking; encoding happens on the calling thread.
     *
     * <p>A command the link's {@link #dialect()} does not know is skipped (debug log, counted). A
     * command that would be longer than the line limit is not sent (logged, counted); for
     * {@code RDATA} its stream gets a gap and the listener is told through
     * {@link LinkListener#onCatchUpNeeded}. Commands sent after the link started closing are
     * dropped.
     *
     * @throws IllegalArgumentException if the command cannot be encoded (for example a row that is
     *     not valid JSON): a bug of the caller, reported to it
     */
    void send(Command command);

    /**
     * Sends a command already encoded, so that one encoding can be written to many links.
     *
     * @param command the command, used for routing decisions (dialect, RDATA gaps) without being
     *     re-encoded
     * @param line {@code CommandCodec.encodeLine(command, dialect())}, ending in {@code \n}; the
     *     array is shared and must not be changed afterwards
     */
    void sendEncoded(Command command, byte[] line);

    /**
     * Sends commands encoded once for many links, in order, with the same rules as
     * {@link #sendEncoded} for each; a link with nothing queued writes them in one go.
     */
    default void sendBurst(EncodedBurst burst) {
        for (int i = 0; i < burst.size(); i++) {
            sendEncoded(burst.command(i), burst.line(i));
        }
    }

    /**
     * Sends {@code ERROR <reason>} and closes the connection once it is written; a close that does not
     * finish within {@link TcpSettings#closeTimeout()} is aborted. Queued commands are discarded.
     * Does nothing if the link is already closing. A {@link TcpClient} reconnects afterwards.
     */
    void close(String errorReason);

    /** Completes (never exceptionally) when the connection is closed and the listener was told. */
    CompletionStage<Void> closeFuture();

    /**
     * Tells the link that the engine has caught up with every stream (every first {@code POSITION}
     * processed). On a {@link TcpClient} link this resets the reconnect backoff, so that a link which
     * keeps failing during catch-up (a poison row) never reconnects in a tight loop. No effect on a
     * server link.
     */
    void markEstablished();

    /** Whether the link is in catch-up mode (socket congested, RDATA being discarded). */
    boolean inCatchUpMode();

    /**
     * Stops or resumes reading from the socket: the engine's backpressure when its queues for this
     * link are full. The peer then sees a congested link (on a Myelin server: catch-up mode). Sending
     * and keepalive PINGs go on. May be called from any thread.
     *
     * <p>Pauses are counted: each {@code false} must be matched by one {@code true}, and reading
     * resumes when every pause has been; so independent queues can each apply backpressure.
     */
    void setReading(boolean reading);

    /**
     * Commands waiting to be written (queued while the socket was not writable); approximate when
     * read from another thread. Synapse's {@code synapse_replication_tcp_protocol_pending_commands}.
     */
    default int pendingCommands() {
        return 0;
    }
}
