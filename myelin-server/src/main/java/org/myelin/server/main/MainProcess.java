package org.myelin.server.main;

import org.myelin.store.writer.StreamWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.http.server.HttpServerStats;
import org.myelin.http.server.HttpServer;
import org.myelin.node.config.Tunables;
import org.myelin.protocol.Json;
import io.lettuce.core.RedisURI;
import org.myelin.redis.EngineBus;
import org.myelin.redis.RedisMetrics;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;
import org.myelin.server.cli.HostPort;
import org.myelin.tcp.EngineLinks;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.Stores;
import org.myelin.tcp.Link;
import org.myelin.tcp.TcpServer;
import org.myelin.tcp.TcpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer process ({@code myelin main}): an SQLite store, the engine streaming every stream it
 * writes, a TCP replication listener and the HTTP write/status API.
 */
public final class MainProcess implements AutoCloseable {
    /** The writer's default instance name, as Synapse's main process calls itself. */
    public static final String INSTANCE = "master";
    private static final Logger log = LoggerFactory.getLogger(MainProcess.class);

    private final MainConfig config;
    private final StreamStore store;
    private final StreamWriter streams;
    private final ReplicationEngine engine;
    private final TcpServer tcp;
    private final HttpApi http;
    private final Identity identity;
    /** The Redis link, when started with {@code --redis}. */
    private final RedisTransport redis;
    /** Moves this writer's idle positions along with the other writers' (PostgreSQL only). */
    private final AutoCloseable idlePositions;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Rows and commands per second over the last minutes, for status and the dashboard. */
    private final org.myelin.server.metrics.RateHistory rates;
    private final org.myelin.core.task.Ticker rateTicker;
    private final long startedMillis = System.currentTimeMillis();
    private final MainMetrics metrics;
    private final Tunables tunables;
    private HttpServer metricsHttp; // guarded by this; the metrics-only listener

    private MainProcess(MainConfig config, PresenceSettings presence, boolean storeUserIps, RedisURI redisUri,
            Tunables tunables) throws IOException {
        this.config = config;
        this.tunables = tunables;
        this.store = Stores.openWriter(config.database(), config.data(), tunables.sqlite(), tunables.postgres());
        Identity built = null;
        try {
            Set<String> names = new LinkedHashSet<>(SynapseStreams.NAMES);
            for (StreamPosition p : store.positions()) {
                names.add(p.stream());
            }
            this.streams = new StreamWriter(store, config.instanceName(), List.copyOf(names));
            ReplicationEngine.Builder builder = tunables.engine().apply(ReplicationEngine.builder(config.instanceName()))
                    .maxLineBytes(config.tcpSettings().maxLineBytes());
            streams.addTo(builder);
            built = new Identity(presence, tunables.presenceLimits(), tunables.userIps(), streams,
                    storeUserIps ? Stores.clientIps(store) : null);
            builder.onCommand(built.router());
            this.identity = built;
            this.engine = builder.build();
            streams.attach(engine);
            this.idlePositions = streams.advanceIdleEvery(StreamWriter.IDLE_POSITION_INTERVAL);
            this.tcp = TcpServer.start(config.listenTcp().host(), config.listenTcp().port(), config.serverName(),
                    config.tcpSettings(), new EngineLinks(engine));
            // the main stores client IPs, so it alone hears <server_name>/USER_IP
            this.redis = redisUri == null ? null : RedisTransport.start(redisUri,
                    tunables.redis().apply(RedisSettings.defaults(config.serverName()).withUserIp(storeUserIps)
                            .withDialect(config.tcpSettings().dialect())),
                    new EngineBus(engine));
            this.metrics = new MainMetrics(engine, tcp.metrics(), tcp::links, streams, config.serverName());
            identity.registerMetrics(metrics.registry());
            if (redis != null) {
                metrics.addRedis(redis);
            }
            this.rates = new org.myelin.server.metrics.RateHistory(rateCounters());
            this.rateTicker = new org.myelin.core.task.Ticker("rates",
                    java.time.Duration.ofSeconds(org.myelin.server.metrics.RateHistory.PERIOD_SECONDS),
                    () -> rates.sample(System.currentTimeMillis()));
            this.http = new HttpApi(config.listenHttp(), tunables.http(), streams, this::status, metrics,
                    config.replicationSecret(), identity.presenceEndpoint(), config.instanceName(),
                    tunables.maxRowsPerAppend(), tunables.catchUpServeRows(), tunables.catchUpMaxServeRows());
            identity.start();
        } catch (IOException | RuntimeException e) {
            if (built != null) {
                built.close();
            }
            closeQuietly();
            throw e;
        }
        log.info("main process '{}' (instance {}) up: replication on {}:{}, HTTP on {}:{} (catch-up endpoint {}),"
                + " data in {}", config.serverName(), config.instanceName(), config.listenTcp().host(), tcp.port(),
                config.listenHttp().host(), http.port(), config.replicationSecret() == null ? "off" : "on",
                Stores.describe(config.database(), config.data()));
    }

    /**
     * Opens the store and starts listening.
     *
     * @throws IOException if a port cannot be bound
     */
    public static MainProcess start(MainConfig config) throws IOException {
        return new MainProcess(config, PresenceSettings.defaults(), true, null, Tunables.defaults());
    }

    /**
     * Opens the store and starts listening, with these presence timeouts, and also replicates over
     * Redis at {@code redisUri} when it is not null: it publishes on the channel named after the
     * server, answers REPLICATE from any process there, and keeps reconnecting whatever fails.
     *
     * @param storeUserIps whether this process stores {@code USER_IP} reports (in {@code client_ips});
     *     on Redis it then also subscribes to {@code <server_name>/USER_IP}
     * @throws IOException if a port cannot be bound
     */
    public static MainProcess start(MainConfig config, PresenceSettings presence, boolean storeUserIps,
            RedisURI redisUri) throws IOException {
        return new MainProcess(config, presence, storeUserIps, redisUri, Tunables.defaults());
    }

    /**
     * Opens the store and starts listening, with these presence timeouts.
     *
     * @param storeUserIps whether this process stores {@code USER_IP} reports (in {@code client_ips})
     * @throws IOException if a port cannot be bound
     */
    public static MainProcess start(MainConfig config, PresenceSettings presence, boolean storeUserIps)
            throws IOException {
        return new MainProcess(config, presence, storeUserIps, null, Tunables.defaults());
    }

    /**
     * Opens the store, starts listening, and also replicates over Redis at {@code redisUri} (when not
     * null).
     *
     * @throws IOException if a port cannot be bound
     */
    public static MainProcess start(MainConfig config, RedisURI redisUri) throws IOException {
        return new MainProcess(config, PresenceSettings.defaults(), true, redisUri, Tunables.defaults());
    }

    /**
     * As {@link #start(MainConfig, PresenceSettings, boolean, RedisURI)}, with the limits and timings of a
     * configuration file's {@code myelin:} section (its HTTP limits, engine bounds, Redis timings, store
     * tuning; the link settings are {@link MainConfig#tcpSettings()}).
     *
     * @throws IOException if a port cannot be bound
     */
    public static MainProcess start(MainConfig config, PresenceSettings presence, boolean storeUserIps,
            RedisURI redisUri, Tunables tunables) throws IOException {
        return new MainProcess(config, presence, storeUserIps, redisUri, tunables);
    }

    /**
     * Serves {@code GET /metrics} alone (the registry of the HTTP API's {@code /metrics}) on another
     * listener, until {@link #close()}: a port for Prometheus that exposes nothing else.
     *
     * @return the port actually bound (useful with port 0)
     * @throws IOException if the address cannot be bound (the message names it)
     * @throws IllegalStateException if a metrics listener is already running
     */
    public synchronized int listenMetrics(String host, int port) throws IOException {
        if (metricsHttp != null) {
            throw new IllegalStateException("already serving metrics on port " + metricsHttp.port());
        }
        try {
            metricsHttp = HttpServer.builder().name("main-metrics").settings(tunables.http())
                    .get("/metrics", HttpApi.metricsEndpoint(metrics)).bind(host, port);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for metrics: " + e.getMessage(), e);
        }
        log.info("main process serving metrics on {}:{}", host, metricsHttp.port());
        return metricsHttp.port();
    }

    /** The Redis link, when one was configured. */
    public java.util.Optional<RedisTransport> redis() {
        return java.util.Optional.ofNullable(redis);
    }

    /** The TCP replication port actually bound. */
    public int tcpPort() {
        return tcp.port();
    }

    /** The HTTP port actually bound. */
    public int httpPort() {
        return http.port();
    }

    /** The data directory. */
    public Path data() {
        return config.data();
    }

    /** The engine (for tests and embedding). */
    public ReplicationEngine engine() {
        return engine;
    }

    /** Presence, client IPs, federation acks and the callbacks of the other commands. */
    public Identity identity() {
        return identity;
    }

    /** The TCP server (for its metrics and links). */
    public TcpServer tcp() {
        return tcp;
    }

    /** Appends rows as the HTTP API does. */
    public List<Long> append(String stream, List<org.myelin.protocol.RawJson> rows, boolean sameToken) {
        return streams.append(stream, rows, sameToken);
    }

    /** The counters whose rates {@link #status()} shows over the last minutes. */
    private java.util.Map<String, java.util.function.LongSupplier> rateCounters() {
        java.util.Map<String, java.util.function.LongSupplier> counters = new java.util.LinkedHashMap<>();
        counters.put("rows", () -> engine.streamer().rdataSent());
        counters.put("commands_in", () -> tcp.metrics().commandsReceived()
                + (redis == null ? 0 : redis.metrics().received()));
        counters.put("commands_out", () -> tcp.metrics().commandsSent()
                + (redis == null ? 0 : redis.metrics().published()));
        return counters;
    }

    /**
     * The status document served at {@code /_myelin/v1/status} (and read by {@code myelin status} and
     * the dashboard): streams and positions, links, rates over the last minutes, counters.
     */
    public ObjectNode status() {
        ObjectNode root = Json.mapper().createObjectNode()
                .put("role", "main")
                .put("server_name", config.serverName())
                .put("instance", config.instanceName())
                .put("uptime_s", (System.currentTimeMillis() - startedMillis) / 1000);
        ObjectNode writers = root.putObject("stream_writers");
        streams.positions().forEach((stream, token) -> writers.putObject(stream).put(config.instanceName(), token));
        ObjectNode positions = root.putObject("streams");
        streams.positions().forEach(positions::put);
        ArrayNode links = root.putArray("links");
        for (Link link : tcp.links()) {
            links.addObject()
                    .put("id", link.id())
                    .put("name", link.name())
                    .put("address", String.valueOf(link.remoteAddress()))
                    .put("transport", "tcp")
                    .put("state", link.inCatchUpMode() ? "catch-up" : "open")
                    .put("catch_up_mode", link.inCatchUpMode())
                    .put("pending_commands", link.pendingCommands());
        }
        if (redis != null) {
            links.addObject().put("id", "redis").put("name", "redis").put("address", redis.address())
                    .put("transport", "redis")
                    .put("state", redis.state().name().toLowerCase(java.util.Locale.ROOT))
                    .put("catch_up_mode", false).put("pending_commands", redis.publishQueue());
        }
        org.myelin.server.metrics.RateHistory history = rates; // null while the constructor runs
        if (history != null) {
            history.putJson(root.putObject("rates"));
        }
        org.myelin.tcp.TcpMetrics t = tcp.metrics();
        ObjectNode counters = root.putObject("counters");
        counters.put("links_opened", t.linksOpened())
                .put("catch_up_mode_entered", t.catchUpEntered())
                .put("rdata_discarded", t.rdataDiscarded())
                .put("errors_sent", t.errorsSent())
                .put("errors_received", t.errorsReceived())
                .put("parse_failures", t.parseFailures())
                .put("invalid_commands", t.invalidCommands())
                .put("ping_timeouts", t.pingTimeouts())
                .put("tasks_failed", engine.taskStats().values().stream().mapToLong(x -> x.failed()).sum());
        ObjectNode closes = root.putObject("close_reasons");
        t.closeReasons().forEach(closes::put);
        ObjectNode streamer = root.putObject("streamer");
        streamer.put("rdata_sent", engine.streamer().rdataSent())
                .put("positions_sent", engine.streamer().positionsSent())
                .put("oversized_rows", engine.streamer().oversizedRows());
        identity.putStatus(root);
        if (redis != null) {
            redisStatus(root.putObject("redis"));
        }
        ObjectNode tasks = root.putObject("tasks");
        engine.taskStats().forEach((name, s) -> tasks.putObject(name)
                .put("started", s.started()).put("running", s.running()).put("failed", s.failed())
                .put("seconds", s.totalNanos() / 1e9));
        HttpApi api = http; // null while the constructor is still binding
        if (api != null) {
            HttpServerStats h = api.stats();
            root.putObject("http").put("requests", h.requests()).put("busy_rejections", h.busyRejections())
                    .put("endpoint_failures", h.endpointFailures()).put("timeouts", h.timeouts())
                    .put("refused_connections", h.refusedConnections()).put("open_connections", h.openConnections())
                    .put("body_bytes_in_memory", h.bodyBytesInMemory());
        }
        return root;
    }

    private void redisStatus(ObjectNode node) {
        RedisMetrics m = redis.metrics();
        node.put("address", redis.address())
                .put("channel", redis.settings().channel())
                .put("state", redis.state().name().toLowerCase(java.util.Locale.ROOT))
                .put("last_failure", redis.lastFailure())
                .put("links_opened", m.linksOpened())
                .put("published", m.published())
                .put("publish_failures", m.publishFailures())
                .put("publish_queue", redis.publishQueue())
                .put("received", m.received())
                .put("parse_failures", m.parseFailures())
                .put("dropped", m.dropped())
                .put("stream_commands_discarded", m.streamCommandsDiscarded());
        ObjectNode reconnects = node.putObject("reconnects");
        m.reconnectsByCause().forEach(reconnects::put);
    }

    /** Stops listening and closes the store; calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            log.info("main process stopping");
            if (identity != null) {
                identity.close();
            }
            synchronized (this) {
                if (metricsHttp != null) {
                    metricsHttp.close();
                }
            }
            closeQuietly();
        }
    }

    private void closeQuietly() {
        for (AutoCloseable c : new AutoCloseable[] {rateTicker, http, redis, tcp, idlePositions, engine, store}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("error while stopping {}", c.getClass().getSimpleName(), e);
                }
            }
        }
    }

    /**
     * What {@code myelin main} is given.
     *
     * @param data the data directory (created if missing) of the SQLite store, when no {@code database}
     * @param serverName the server name sent as {@code SERVER}
     * @param listenTcp where replication clients connect
     * @param listenHttp where the HTTP API listens
     * @param tcpSettings link timings and limits
     * @param replicationSecret the secret workers present to the HTTP catch-up endpoint; {@code null}
     *     leaves the endpoint off
     * @param database a PostgreSQL URL ({@code jdbc:postgresql://...} or {@code postgresql://...}) to
     *     store in instead of the data directory; {@code null} for SQLite
     * @param instanceName this writer's instance name (default {@code master}): the name its rows,
     *     {@code RDATA} and {@code POSITION} carry; several writers of one stream need distinct names
     */
    public record MainConfig(Path data, String serverName, HostPort listenTcp, HostPort listenHttp,
            TcpSettings tcpSettings, String replicationSecret, String database, String instanceName) {
        /** @throws IllegalArgumentException if the instance name is empty or has a space */
        public MainConfig {
            if (instanceName == null || instanceName.isEmpty() || instanceName.chars().anyMatch(c -> c <= ' ')) {
                throw new IllegalArgumentException("the instance name must be non-empty without spaces, was '"
                        + instanceName + "'");
            }
        }

        /** The SQLite store in {@code data}, as instance {@code master}. */
        public MainConfig(Path data, String serverName, HostPort listenTcp, HostPort listenHttp,
                TcpSettings tcpSettings, String replicationSecret) {
            this(data, serverName, listenTcp, listenHttp, tcpSettings, replicationSecret, null, INSTANCE);
        }

        /** Without the HTTP catch-up endpoint (workers catch up from the data directory). */
        public MainConfig(Path data, String serverName, HostPort listenTcp, HostPort listenHttp,
                TcpSettings tcpSettings) {
            this(data, serverName, listenTcp, listenHttp, tcpSettings, null);
        }
    }
}
