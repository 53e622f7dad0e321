package org.myelin.tcp;

import java.time.Duration;
import java.util.Objects;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Framing;

/**
 * Tunables of a direct TCP replication link, shared by {@link TcpServer} and {@link TcpClient}.
 *
 * <p>{@link #defaults()} are the values of the protocol (PROTOCOL.md section 4); every duration is a
 * {@link Duration} so that tests can run with milliseconds. Change single values with the
 * {@code with...} methods, which return a new value.
 *
 * @param pingInterval send {@code PING} when nothing was sent for this long
 * @param pingTimeout close with {@code ERROR ping timeout} when nothing arrived for this long, once
 *     the peer has sent at least one {@code PING}
 * @param closeTimeout abort (hard close) a link whose close did not finish within this time
 * @param maxLineBytes the longest line accepted and sent, not counting {@code \n}
 * @param maxQueuedBytes bytes of commands waiting for an unwritable socket before the link
 *     enters catch-up mode
 * @param maxQueuedCommands commands waiting for an unwritable socket before the link enters
 *     catch-up mode
 * @param unwritableDeadline close a link whose socket stays unwritable this long
 * @param reconnectInitialDelay the client's first reconnect delay
 * @param reconnectMaxDelay the cap of the client's exponential reconnect delay
 * @param reconnectJitter the fraction (0 to 1) by which a reconnect delay is randomly shortened,
 *     so that many clients do not reconnect in step
 * @param dialect the wire format spoken to the peer
 * @param socketSendBufferBytes the kernel send buffer of each connection ({@code SO_SNDBUF}), or 0
 *     for the system's (auto-tuned, up to megabytes): a small one makes a slow peer show as
 *     congested sooner
 * @param handshakeTimeout server side: close with {@code ERROR} a connection that has sent
 *     neither {@code NAME} nor {@code REPLICATE} this long after connecting
 * @param maxConnections server side: connections open at once; more are refused with
 *     {@code ERROR} and closed
 * @param wrongServerDelay client side: how long to wait before trying again a server that gave
 *     another name than the expected one (a configuration error: retrying at once cannot help)
 * @param inboxBound commands other threads may leave for a link's event loop before RDATA are
 *     replaced by a gap (the peer fetches them); at least the outbound command bound is used
 */
public record TcpSettings(
        Duration pingInterval,
        Duration pingTimeout,
        Duration closeTimeout,
        int maxLineBytes,
        long maxQueuedBytes,
        int maxQueuedCommands,
        Duration unwritableDeadline,
        Duration reconnectInitialDelay,
        Duration reconnectMaxDelay,
        double reconnectJitter,
        Dialect dialect,
        int socketSendBufferBytes,
        Duration handshakeTimeout,
        int maxConnections,
        Duration wrongServerDelay,
        int inboxBound) {

    private static final TcpSettings DEFAULTS = new TcpSettings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(25),
            Duration.ofSeconds(25),
            Framing.DEFAULT_MAX_LINE_BYTES,
            8L * 1024 * 1024,
            10_000,
            Duration.ofSeconds(60),
            Duration.ofMillis(100),
            Duration.ofSeconds(1),
            0.2,
            Dialect.LATEST,
            0,
            Duration.ofSeconds(30),
            1000, TcpClient.WRONG_SERVER_DELAY, NettyLink.INBOX_BOUND);

    /**
     * @throws IllegalArgumentException if a duration is not positive, a bound is not positive, the
     *     line limit is out of {@link Framing#checkMaxLineBytes range}, the jitter is outside
     *     {@code [0, 1]} or the reconnect cap is below the initial delay
     * @throws NullPointerException if a value is null
     */
    public TcpSettings {
        positive("pingInterval", pingInterval);
        positive("pingTimeout", pingTimeout);
        positive("closeTimeout", closeTimeout);
        Framing.checkMaxLineBytes(maxLineBytes);
        if (maxQueuedBytes <= 0 || maxQueuedCommands <= 0) {
            throw new IllegalArgumentException("outbound queue bounds must be positive, got "
                    + maxQueuedBytes + " bytes and " + maxQueuedCommands + " commands");
        }
        positive("unwritableDeadline", unwritableDeadline);
        positive("reconnectInitialDelay", reconnectInitialDelay);
        positive("reconnectMaxDelay", reconnectMaxDelay);
        if (reconnectMaxDelay.compareTo(reconnectInitialDelay) < 0) {
            throw new IllegalArgumentException("reconnectMaxDelay " + reconnectMaxDelay
                    + " is below reconnectInitialDelay " + reconnectInitialDelay);
        }
        if (!(reconnectJitter >= 0 && reconnectJitter <= 1)) {
            throw new IllegalArgumentException("reconnectJitter must be between 0 and 1, got " + reconnectJitter);
        }
        Objects.requireNonNull(dialect, "dialect");
        positive("handshakeTimeout", handshakeTimeout);
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive, got " + maxConnections);
        }
        positive("wrongServerDelay", wrongServerDelay);
        if (inboxBound < 1) {
            throw new IllegalArgumentException("inboxBound must be positive, got " + inboxBound);
        }
        if (socketSendBufferBytes < 0) {
            throw new IllegalArgumentException("socketSendBufferBytes must be 0 or positive, got "
                    + socketSendBufferBytes);
        }
    }

    /**
     * The protocol's values: PING every 5 s, ping timeout 25 s, close timeout 25 s, 16384-byte
     * lines, queues of 8 MiB / 10,000 commands, unwritable deadline 60 s, reconnect 0.1 s doubling
     * to 1 s with 20 % jitter, the latest dialect, the system's socket buffers; servers give a
     * connection 30 s to send {@code NAME} or {@code REPLICATE} and take at most 1000 at once; a
     * client retries a server with the wrong name every 30 s; link inboxes hold 65,536 commands.
     */
    public static TcpSettings defaults() {
        return DEFAULTS;
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** A copy with another ping interval. */
    public TcpSettings withPingInterval(Duration value) {
        return new TcpSettings(value, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another ping timeout. */
    public TcpSettings withPingTimeout(Duration value) {
        return new TcpSettings(pingInterval, value, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another close timeout. */
    public TcpSettings withCloseTimeout(Duration value) {
        return new TcpSettings(pingInterval, pingTimeout, value, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another line limit. */
    public TcpSettings withMaxLineBytes(int value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, value, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with other outbound queue bounds. */
    public TcpSettings withQueueBounds(long bytes, int commands) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, bytes,
                commands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another unwritable deadline. */
    public TcpSettings withUnwritableDeadline(Duration value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, value, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another reconnect backoff. */
    public TcpSettings withReconnect(Duration initialDelay, Duration maxDelay, double jitter) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, initialDelay, maxDelay, jitter, dialect, socketSendBufferBytes,
                handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy speaking another dialect. */
    public TcpSettings withDialect(Dialect value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, value, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another kernel send buffer size (0 for the system's). */
    public TcpSettings withSocketSendBuffer(int bytes) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, bytes, handshakeTimeout, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another handshake deadline (server side). */
    public TcpSettings withHandshakeTimeout(Duration value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, value, maxConnections, wrongServerDelay, inboxBound);
    }

    /** A copy with another connection cap (server side). */
    public TcpSettings withMaxConnections(int value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, value, wrongServerDelay, inboxBound);
    }

    /** A copy with another wait before retrying a server that gave the wrong name (client side). */
    public TcpSettings withWrongServerDelay(Duration value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, value, inboxBound);
    }

    /** A copy with another inbox bound. */
    public TcpSettings withInboxBound(int value) {
        return new TcpSettings(pingInterval, pingTimeout, closeTimeout, maxLineBytes, maxQueuedBytes,
                maxQueuedCommands, unwritableDeadline, reconnectInitialDelay, reconnectMaxDelay,
                reconnectJitter, dialect, socketSendBufferBytes, handshakeTimeout, maxConnections, wrongServerDelay, value);
    }
}
