package org.myelin.tcp;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.myelin.core.metrics.CommandCounts;
import org.myelin.core.metrics.LabelledCounts;

/**
 * Counters of one {@link TcpServer} or {@link TcpClient} (or several sharing it). Written by event
 * loops, readable from any thread; each value only grows, except {@link #openLinks()}.
 */
public final class TcpMetrics {
    final LongAdder linksOpened = new LongAdder();
    final LongAdder linksClosed = new LongAdder();
    final LongAdder commandsReceived = new LongAdder();
    final LongAdder commandsSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder errorsSent = new LongAdder();
    final LongAdder errorsReceived = new LongAdder();
    final LongAdder parseFailures = new LongAdder();
    final LongAdder invalidCommands = new LongAdder();
    final LongAdder linesTooLongReceived = new LongAdder();
    final LongAdder linesTooLongNotSent = new LongAdder();
    final LongAdder unsupportedSkipped = new LongAdder();
    final LongAdder droppedAfterClose = new LongAdder();
    final LongAdder catchUpEntered = new LongAdder();
    final LongAdder catchUpLeft = new LongAdder();
    final LongAdder rdataDiscarded = new LongAdder();
    final LongAdder pingsSent = new LongAdder();
    final LongAdder pingTimeouts = new LongAdder();
    final LongAdder unwritableCloses = new LongAdder();
    final LongAdder aborts = new LongAdder();
    final LongAdder listenerFailures = new LongAdder();
    final LongAdder connectAttempts = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder remoteServerUpRelayed = new LongAdder();
    final LongAdder positionsCoalesced = new LongAdder();
    final LongAdder queueOverflows = new LongAdder();
    final LongAdder inboxRdataDiscarded = new LongAdder();
    final LongAdder handshakeTimeouts = new LongAdder();
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder wrongServerNames = new LongAdder();
    final CommandCounts commands = new CommandCounts();
    final LabelledCounts closeReasons = new LabelledCounts();

    /** Links that reached {@link LinkListener#onOpen} (server: accepted; client: SERVER checked). */
    public long linksOpened() { return linksOpened.sum(); }

    /** Links that reached {@link LinkListener#onClose}. */
    public long linksClosed() { return linksClosed.sum(); }

    /** Links open now. */
    public long openLinks() { return linksOpened.sum() - linksClosed.sum(); }

    /** Commands read from peers, protocol-level ones included. */
    public long commandsReceived() { return commandsReceived.sum(); }

    /** Commands handed to sockets (written or still in Netty's buffer). */
    public long commandsSent() { return commandsSent.sum(); }

    /** Bytes of the commands counted by {@link #commandsSent()}. */
    public long bytesSent() { return bytesSent.sum(); }

    /** {@code ERROR} lines sent to peers. */
    public long errorsSent() { return errorsSent.sum(); }

    /** {@code ERROR} lines received from peers. */
    public long errorsReceived() { return errorsReceived.sum(); }

    /** Lines that were not valid commands (including invalid UTF-8). */
    public long parseFailures() { return parseFailures.sum(); }

    /** Commands the peer's side may not send. */
    public long invalidCommands() { return invalidCommands.sum(); }

    /** Incoming lines over the line limit. */
    public long linesTooLongReceived() { return linesTooLongReceived.sum(); }

    /** Outgoing commands not sent because they were over the line limit. */
    public long linesTooLongNotSent() { return linesTooLongNotSent.sum(); }

    /** Outgoing commands skipped because the link's dialect does not know them. */
    public long unsupportedSkipped() { return unsupportedSkipped.sum(); }

    /** Outgoing commands dropped because their link was closing or closed. */
    public long droppedAfterClose() { return droppedAfterClose.sum(); }

    /** Times a link entered catch-up mode. */
    public long catchUpEntered() { return catchUpEntered.sum(); }

    /** Times a link left catch-up mode. */
    public long catchUpLeft() { return catchUpLeft.sum(); }

    /** RDATA discarded: queued when catch-up mode began, sent during it, or of a stream with a gap. */
    public long rdataDiscarded() { return rdataDiscarded.sum(); }

    /** Keepalive {@code PING}s sent (handshake PINGs included). */
    public long pingsSent() { return pingsSent.sum(); }

    /** Links closed with {@code ERROR ping timeout}. */
    public long pingTimeouts() { return pingTimeouts.sum(); }

    /** Links closed because their socket stayed unwritable past the deadline. */
    public long unwritableCloses() { return unwritableCloses.sum(); }

    /** Links hard-closed (close timeout or unwritable deadline). */
    public long aborts() { return aborts.sum(); }

    /** Exceptions thrown by the {@link LinkListener}. */
    public long listenerFailures() { return listenerFailures.sum(); }

    /** Client connection attempts. */
    public long connectAttempts() { return connectAttempts.sum(); }

    /** Client connection attempts that failed to connect. */
    public long connectFailures() { return connectFailures.sum(); }

    /** {@code REMOTE_SERVER_UP} commands relayed by a server to other links. */
    public long remoteServerUpRelayed() { return remoteServerUpRelayed.sum(); }

    /** Queued POSITIONs replaced by a newer one of the same stream and instance before being sent. */
    public long positionsCoalesced() { return positionsCoalesced.sum(); }

    /**
     * Links closed with {@code ERROR Failed to keep up}: over their queue bounds with only commands
     * that may not be dropped left (or a hand-off to the event loop over twice its bound).
     */
    public long queueOverflows() { return queueOverflows.sum(); }

    /** RDATA discarded before reaching the event loop because its hand-off queue was full. */
    public long inboxRdataDiscarded() { return inboxRdataDiscarded.sum(); }

    /** Server connections closed for not sending {@code NAME} or {@code REPLICATE} in time. */
    public long handshakeTimeouts() { return handshakeTimeouts.sum(); }

    /** Server connections refused because the connection cap was reached. */
    public long connectionsRefused() { return connectionsRefused.sum(); }

    /** Client connections to a server whose {@code SERVER} name was not the expected one. */
    public long wrongServerNames() { return wrongServerNames.sum(); }

    /**
     * Commands received and sent by command and peer name (Synapse's
     * {@code synapse_replication_tcp_protocol_inbound_commands}/{@code outbound_commands}); commands
     * a link handles itself ({@code PING}, {@code NAME}, ...) included, a peer not named yet counted
     * as {@code anon}.
     */
    public CommandCounts commands() { return commands; }

    /**
     * Links closed, by why ({@code peer_closed}, {@code peer_error}, {@code error_sent},
     * {@code ping_timeout}, {@code failed_to_keep_up}, {@code unwritable}, {@code connection_error},
     * {@code shutdown}, {@code aborted}): Synapse's {@code synapse_replication_tcp_protocol_close_reason}
     * in Myelin's words. On a client these are its reconnect causes.
     */
    public Map<String, Long> closeReasons() { return closeReasons.snapshot(); }
}
