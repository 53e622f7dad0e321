package org.myelin.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication over Redis pub/sub, as Synapse does it: one subscribed connection, one publishing
 * connection, the server name as channel.
 *
 * <p>On every (re)connect it subscribes, waits for the confirmation, then opens a new
 * {@link RedisLink} ({@link BusListener#onOpen}: an engine publishes {@code REPLICATE} and its
 * POSITIONs there). Any failure (refused, reset, AUTH error, timeout, a failed PUBLISH, Redis restarted
 * empty) closes the link and both connections and tries again after a jittered backoff capped at
 * {@link RedisSettings#backoffMax()}; it never gives up. A Redis PING every
 * {@link RedisSettings#pingInterval()} detects a dead subscription.
 *
 * <pre>{@code
 * RedisTransport bus = RedisTransport.start(RedisTransport.parseUri("redis://127.0.0.1:6379"),
 *         RedisSettings.defaults("example.com"), new EngineBus(engine));
 * }</pre>
 */
public final class RedisTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisTransport.class);

    private final RedisURI uri;
    private final RedisSettings settings;
    private final BusListener listener;
    /** Recognises the listener's own echoes before parsing; null when it hears every command. */
    private final EchoFilter echoes;
    private final RedisMetrics metrics = new RedisMetrics();
    private final BusCodec codec;
    private final ClientResources resources;
    private final RedisClient client;
    private final Publisher publisher;
    private final ScheduledExecutorService control;
    private final CompletableFuture<Void> firstLink = new CompletableFuture<>();
    private final CompletableFuture<Void> firstEstablished = new CompletableFuture<>();
    /** Touched on the control thread only. */
    private Session current;
    private long sessions;
    private long links;
    private int failuresSinceEstablished;
    private volatile RedisState state = RedisState.CONNECTING;
    private volatile String lastFailure;
    private volatile boolean closed;

    private RedisTransport(RedisURI uri, RedisSettings settings, BusListener listener) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (settings.caCert() != null && !java.nio.file.Files.isReadable(settings.caCert())) {
            throw new IllegalArgumentException("the Redis CA certificate file " + settings.caCert() + " cannot be read");
        }
        String ignored = listener.ignoredInstance();
        this.echoes = ignored == null || ignored.isEmpty() ? null : new EchoFilter(ignored);
        this.codec = new BusCodec(List.of(settings.channel(), settings.userIpChannel()), echoes);
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        this.client = RedisClient.create(resources);
        ClientOptions.Builder options = ClientOptions.builder();
        if (settings.caCert() != null) {
            // rediss:// then trusts this CA (a deployment's own, self-signed) instead of the JVM's trust store
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(settings.caCert().toFile()).build());
        }
        client.setOptions(options
                .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).build())
                .autoReconnect(false) // we reconnect ourselves: every reconnect is a new link
                .protocolVersion(ProtocolVersion.RESP2) // what Synapse speaks; no HELLO surprises
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // no timer per command (a cost per PUBLISH): connecting and subscribing have a deadline of
                // their own, PINGs on both connections detect a Redis that stopped answering, and the
                // publisher fails the link when its in-flight PUBLISHes go unanswered for the timeout
                .timeoutOptions(TimeoutOptions.builder().timeoutCommands(false).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                onControl(() -> {
                    if (current != null && current.owns(connection)) {
                        failed(current, FailureCause.LOST, null);
                    }
                });
            }
        });
        this.publisher = new Publisher(this, settings);
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "redis-control");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Reads a Redis URI as Lettuce does: {@code redis://[:password@]host:port[/db]}, {@code rediss://}
     * for TLS, {@code redis-socket:///path} for a Unix socket (needs Netty's native transport).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static RedisURI parseUri(String text) {
        try {
            RedisURI parsed = RedisURI.create(text);
            parsed.setTimeout(Duration.ofSeconds(10));
            return parsed;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI: '" + text
                    + "' (expected redis://[:password@]host:port, rediss://... or redis-socket:///path): "
                    + e.getMessage(), e);
        }
    }

    /** Starts connecting at once (in the background); never throws for an unreachable Redis. */
    public static RedisTransport start(RedisURI uri, RedisSettings settings, BusListener listener) {
        RedisTransport transport = new RedisTransport(uri, settings, listener);
        transport.publisher.start();
        transport.control.execute(transport::connect);
        long ping = settings.pingInterval().toMillis();
        transport.control.scheduleWithFixedDelay(transport::ping, ping, ping, TimeUnit.MILLISECONDS);
        return transport;
    }

    /** The settings. */
    public RedisSettings settings() {
        return settings;
    }

    /** The counters. */
    public RedisMetrics metrics() {
        return metrics;
    }

    /** Where it stands now. */
    public RedisState state() {
        return state;
    }

    /** Why the last session ended, or {@code null}. */
    public String lastFailure() {
        return lastFailure;
    }

    /** Where Redis is, for logs (no password). */
    public String address() {
        return uri.getSocket() != null ? uri.getSocket() : uri.getHost() + ":" + uri.getPort();
    }

    /** Completes when the first link opens. */
    public CompletionStage<Void> firstLink() {
        return firstLink;
    }

    /**
     * Completes when a link was first marked established by the engine (every followed stream caught
     * up: RDATA published from then on is taken live).
     */
    public CompletionStage<Void> established() {
        return firstEstablished;
    }

    /** Commands waiting to be published. */
    public int publishQueue() {
        return publisher.queued();
    }

    BusListener listener() {
        return listener;
    }

    /** Whether a message is an echo the listener would drop: skipped unparsed (the codec marks them). */
    boolean isEcho(byte[] message) {
        return message == BusCodec.ECHO;
    }

    Publisher publisher() {
        return publisher;
    }

    // ------------------------------------------------------------ on the control thread

    private void connect() {
        if (closed) {
            return;
        }
        Session session = new Session(this, ++sessions);
        current = session;
        state = RedisState.CONNECTING;
        metrics.connectAttempts.increment();
        client.connectPubSubAsync(codec, uri).toCompletableFuture()
                .thenCompose(subscriber -> {
                    session.subscriber = subscriber;
                    subscriber.addListener(session);
                    return subscribe(subscriber);
                })
                .thenCompose(v -> client.connectAsync(codec, uri).toCompletableFuture())
                .thenAccept(connection -> {
                    connection.setAutoFlushCommands(false); // the publisher flushes once per batch
                    session.publisher = connection;
                })
                .orTimeout(settings.commandTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((v, error) -> {
                    if (error != null) {
                        failed(session, FailureCause.of(error), error);
                    } else {
                        opened(session);
                    }
                }, control);
    }

    /** Completes when Redis confirmed every subscription. */
    private CompletableFuture<Void> subscribe(StatefulRedisPubSubConnection<String, byte[]> subscriber) {
        List<String> channels = new ArrayList<>();
        channels.add(settings.channel());
        if (settings.subscribeUserIp()) {
            channels.add(settings.userIpChannel());
        }
        CompletableFuture<Void> done;
        if (settings.perStreamChannels() && settings.followedStreams().isEmpty()) {
            done = subscriber.async().psubscribe(settings.streamChannel("*")).toCompletableFuture();
        } else {
            if (settings.perStreamChannels()) {
                settings.followedStreams().forEach(s -> channels.add(settings.streamChannel(s)));
            }
            done = CompletableFuture.completedFuture(null);
        }
        return done.thenCompose(v -> subscriber.async().subscribe(channels.toArray(String[]::new)).toCompletableFuture());
    }

    private void opened(Session session) {
        if (closed || session.ended) {
            session.closeConnections();
            return;
        }
        openLink(session);
        state = RedisState.CONNECTED;
        log.info("Redis link {} open: subscribed to {} on {}", session.link.describe(), settings.channel(), address());
        firstLink.complete(null);
    }

    private void openLink(Session session) {
        RedisLink link = new RedisLink(this, session, ++links);
        session.link = link;
        metrics.linksOpened.increment();
        try {
            listener.onOpen(link);
        } catch (RuntimeException e) {
            metrics.listenerFailures.increment();
            log.error("opening {} failed", link.describe(), e);
        }
    }

    private void closeLink(RedisLink link, String reason) {
        link.closed = true;
        try {
            listener.onClose(link, reason);
        } catch (RuntimeException e) {
            metrics.listenerFailures.increment();
            log.error("closing {} failed", link.describe(), e);
        }
    }

    private void failed(Session session, FailureCause cause, Throwable error) {
        if (session.ended) {
            return;
        }
        session.ended = true;
        metrics.reconnect(cause);
        String reason = cause.label() + (error == null ? "" : ": " + rootMessage(error));
        lastFailure = reason;
        if (session.link != null) {
            closeLink(session.link, reason);
            log.warn("Redis link {} closed ({}); reconnecting", session.link.describe(), reason);
        } else {
            log.warn("cannot connect to Redis at {} ({})", address(), reason);
        }
        session.closeConnections();
        if (current == session) {
            current = null;
        }
        if (closed) {
            return;
        }
        long delay = nextDelayMillis();
        state = RedisState.BACKING_OFF;
        log.info("next Redis attempt in {} ms", delay);
        control.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Doubling from the initial delay to the cap, each cut by up to half at random. */
    private long nextDelayMillis() {
        long base = settings.backoffInitial().toMillis();
        long max = settings.backoffMax().toMillis();
        for (int i = 0; i < failuresSinceEstablished && base < max; i++) {
            base = Math.min(max, base * 2);
        }
        failuresSinceEstablished = Math.min(failuresSinceEstablished + 1, 30);
        return Math.max(1, (long) (base * (1 - 0.5 * ThreadLocalRandom.current().nextDouble())));
    }

    private void ping() {
        Session session = current;
        if (session == null || session.link == null || session.ended) {
            return;
        }
        var subscriber = session.subscriber;
        if (subscriber == null) {
            return;
        }
        metrics.pingsSent.increment();
        publisher.ping(session);
        subscriber.async().ping().toCompletableFuture()
                .orTimeout(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((pong, error) -> {
                    if (error != null) {
                        FailureCause cause = FailureCause.of(error);
                        failed(session, cause == FailureCause.OTHER ? FailureCause.TIMEOUT : cause, error);
                    }
                }, control);
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ------------------------------------------------------------ called by links and the publisher

    /** Ends a session from any thread. */
    void fail(Session session, FailureCause cause, Throwable error) {
        onControl(() -> failed(session, cause, error));
    }

    /** Runs on the control thread, unless the transport is closed (then there is nothing to do). */
    private void onControl(Runnable task) {
        if (closed) {
            return;
        }
        try {
            control.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("transport closed meanwhile; ignoring a late event");
        }
    }

    void closedByEngine(RedisLink link, String reason) {
        fail(link.session, FailureCause.CLOSED_BY_ENGINE, new IllegalStateException(reason));
    }

    void established(RedisLink link) {
        onControl(() -> {
            if (!link.closed) {
                failuresSinceEstablished = 0;
                firstEstablished.complete(null);
            }
        });
    }

    /** A paused link resumes: replace it by a fresh one, whose POSITIONs cover what it discarded. */
    void renew(RedisLink link) {
        onControl(() -> {
            Session session = link.session;
            if (link.closed || session.ended || session.link != link) {
                return;
            }
            closeLink(link, "renewed after its reader paused");
            openLink(session);
            log.info("Redis link {} renewed after its reader paused", session.link.describe());
        });
    }

    void catchUpNeeded(RedisLink link, Set<String> streams) {
        try {
            listener.onCatchUpNeeded(link, streams);
        } catch (RuntimeException e) {
            metrics.listenerFailures.increment();
            log.error("asking positions of {} on {} failed", streams, link.describe(), e);
        }
    }

    /** A command that will not reach Redis: stream commands are covered by a POSITION, others are lost. */
    void discarded(Command command, String stream, String why) {
        if (stream != null) {
            metrics.streamCommandsDiscarded.increment();
        } else {
            metrics.dropped.increment();
            log.warn("dropped {} ({})", command.name(), why);
        }
    }

    String channelFor(Command command, String stream) {
        if (command.type() == CommandType.USER_IP) {
            return settings.userIpChannel();
        }
        if (stream != null && settings.perStreamChannels()) {
            return settings.streamChannel(stream);
        }
        return settings.channel();
    }

    /** Closes the link and both connections; nothing queued is published afterwards. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        state = RedisState.CLOSED;
        try {
            control.submit(() -> {
                Session session = current;
                if (session != null) {
                    session.ended = true;
                    if (session.link != null) {
                        closeLink(session.link, "transport closed");
                    }
                    session.closeConnections();
                }
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("closing the Redis link did not finish cleanly", e);
        }
        control.shutdownNow();
        publisher.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
