package org.myelin.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.myelin.protocol.Dialect;

/**
 * How a {@link RedisTransport} uses the bus.
 *
 * @param serverName the channel (Synapse's {@code server_name})
 * @param subscribeUserIp whether this process also subscribes to {@code <server_name>/USER_IP}: only the
 *     process that stores client IPs (the main process) should
 * @param perStreamChannels RDATA and POSITION go to {@code <server_name>/stream/<name>} instead of the
 *     main channel, and this process subscribes only to those of {@code followedStreams}; off by default
 *     because a Synapse peer listens on the main channel only
 * @param followedStreams with per-stream channels, the streams whose channels to subscribe to; empty for
 *     all of them (a pattern subscription)
 * @param dialect the wire form of commands this process publishes
 * @param pingInterval how often a Redis {@code PING} checks that each connection is alive
 * @param commandTimeout how long a Redis command (PING, SUBSCRIBE, PUBLISH) may take before the link is
 *     considered dead
 * @param backoffInitial the first reconnect delay; it doubles up to {@code backoffMax}, with jitter
 * @param backoffMax the longest reconnect delay
 * @param maxQueuedPublishes commands waiting to be published before stream commands are discarded
 *     (their streams then get a POSITION once the queue drained, so readers fetch the gap)
 * @param maxInFlight PUBLISHes sent to Redis and not yet answered before sending waits
 * @param caCert for {@code rediss://}: a PEM file of the certificate authorities to trust (such as a
 *     deployment's own CA), instead of the JVM's trust store; {@code null} for the JVM's
 * @param connectTimeout how long opening a TCP connection to Redis may take
 * @param publishBatch PUBLISHes written before they are put on the wire even if the burst goes on:
 *     a long burst is pipelined in slices of this many instead of waiting for its end
 */
public record RedisSettings(String serverName, boolean subscribeUserIp, boolean perStreamChannels,
        Set<String> followedStreams, Dialect dialect, Duration pingInterval, Duration commandTimeout,
        Duration backoffInitial, Duration backoffMax, int maxQueuedPublishes, int maxInFlight, Path caCert,
        Duration connectTimeout, int publishBatch) {

    /** The TCP connect timeout by default (Lettuce's own default). */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** PUBLISHes pipelined in one slice of a long burst by default. */
    public static final int DEFAULT_PUBLISH_BATCH = 256;

    /** Validates and copies. */
    public RedisSettings {
        Objects.requireNonNull(serverName, "serverName");
        if (serverName.isEmpty() || serverName.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("server name must be non-empty without spaces: '" + serverName + "'");
        }
        followedStreams = Set.copyOf(followedStreams);
        Objects.requireNonNull(dialect, "dialect");
        requirePositive(pingInterval, "ping interval");
        requirePositive(commandTimeout, "command timeout");
        requirePositive(backoffInitial, "initial backoff");
        requirePositive(backoffMax, "maximum backoff");
        requirePositive(connectTimeout, "connect timeout");
        if (publishBatch < 1) {
            throw new IllegalArgumentException("publish batch must be positive, got " + publishBatch);
        }
        if (maxQueuedPublishes < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("publish queue bounds must be positive");
        }
    }

    /**
     * The defaults for {@code serverName}: main channel only, no USER_IP subscription, latest dialect,
     * PING every 30 s, 10 s command timeout, backoff 100 ms doubling to 5 s, 100,000 queued and 10,000
     * in-flight publishes, 10 s connect timeout, bursts flushed every 256 PUBLISHes.
     */
    public static RedisSettings defaults(String serverName) {
        return new RedisSettings(serverName, false, false, Set.of(), Dialect.LATEST, Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(5), 100_000, 10_000, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PUBLISH_BATCH);
    }

    /** The same with the USER_IP channel subscribed or not. */
    public RedisSettings withUserIp(boolean subscribe) {
        return new RedisSettings(serverName, subscribe, perStreamChannels, followedStreams, dialect, pingInterval,
                commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight, caCert, connectTimeout, publishBatch);
    }

    /** The same on another channel. */
    public RedisSettings withServerName(String name) {
        return new RedisSettings(name, subscribeUserIp, perStreamChannels, followedStreams, dialect, pingInterval,
                commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight, caCert, connectTimeout, publishBatch);
    }

    /** The same with per-stream channels on, following {@code streams} (empty: all). */
    public RedisSettings withPerStreamChannels(Set<String> streams) {
        return new RedisSettings(serverName, subscribeUserIp, true, streams, dialect, pingInterval,
                commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight, caCert, connectTimeout, publishBatch);
    }

    /** The same with other liveness timings (tests use short ones). */
    public RedisSettings withTimings(Duration ping, Duration timeout, Duration initial, Duration max) {
        return new RedisSettings(serverName, subscribeUserIp, perStreamChannels, followedStreams, dialect, ping,
                timeout, initial, max, maxQueuedPublishes, maxInFlight, caCert, connectTimeout, publishBatch);
    }

    /** The same with other publish queue bounds. */
    public RedisSettings withPublishBounds(int queued, int inFlight) {
        return new RedisSettings(serverName, subscribeUserIp, perStreamChannels, followedStreams, dialect,
                pingInterval, commandTimeout, backoffInitial, backoffMax, queued, inFlight, caCert, connectTimeout, publishBatch);
    }

    /**
     * The same trusting the certificate authorities in {@code pemFile} for {@code rediss://} (a
     * self-signed deployment CA), rather than the JVM's trust store.
     */
    public RedisSettings withCaCert(Path pemFile) {
        return new RedisSettings(serverName, subscribeUserIp, perStreamChannels, followedStreams, dialect,
                pingInterval, commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight,
                Objects.requireNonNull(pemFile, "pemFile"), connectTimeout, publishBatch);
    }

    /** The same with another TCP connect timeout and PUBLISH slice of a burst. */
    public RedisSettings withConnection(Duration connect, int batch) {
        return new RedisSettings(serverName, subscribeUserIp, perStreamChannels, followedStreams, dialect,
                pingInterval, commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight, caCert,
                connect, batch);
    }

    /** The same publishing in another wire dialect. */
    public RedisSettings withDialect(Dialect other) {
        return new RedisSettings(serverName, subscribeUserIp, perStreamChannels, followedStreams, other, pingInterval,
                commandTimeout, backoffInitial, backoffMax, maxQueuedPublishes, maxInFlight, caCert, connectTimeout, publishBatch);
    }

    /** The main channel: the server name. */
    public String channel() {
        return serverName;
    }

    /** Where USER_IP is published. */
    public String userIpChannel() {
        return serverName + "/USER_IP";
    }

    /** A stream's own channel (used only with per-stream channels). */
    public String streamChannel(String stream) {
        return serverName + "/stream/" + stream;
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive");
        }
    }
}
