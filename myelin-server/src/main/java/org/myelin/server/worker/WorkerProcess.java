package org.myelin.server.worker;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.command.CommandRouter;
import org.myelin.core.link.OpenLinks;
import org.myelin.core.presence.SyncSettings;
import org.myelin.core.presence.SyncingUsers;
import org.myelin.core.task.Ticker;
import org.myelin.http.endpoints.MetricsEndpoint;
import org.myelin.http.endpoints.Route;
import org.myelin.http.endpoints.StatusEndpoint;
import org.myelin.http.endpoints.SyncEndpoint;
import org.myelin.http.endpoints.UserIpEndpoint;
import org.myelin.http.server.HttpServer;
import org.myelin.node.config.Tunables;
import org.myelin.protocol.Json;
import org.myelin.protocol.UserIpCommand;
import org.myelin.tcp.Link;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.catchup.HttpUpdateFunction;
import io.lettuce.core.RedisURI;
import org.myelin.redis.EngineBus;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;
import org.myelin.server.cli.HostPort;
import org.myelin.tcp.EngineLinks;
import org.myelin.store.StreamStore;
import org.myelin.store.writer.StreamWriter;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.store.Stores;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.LinkListener;
import org.myelin.tcp.TcpClient;
import org.myelin.tcp.TcpSettings;
import org.myelin.protocol.Dialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker ({@code myelin worker}): follows streams over a reconnecting TCP link and hands each row
 * to a handler exactly once, in token order, catching up from the main process's SQLite file or
 * over HTTP when it missed rows.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    private final StreamStore store;
    private final ReplicationEngine engine;
    private final TcpClient client;
    /** The Redis link instead of {@link #client}, when started on Redis. */
    private final RedisTransport redis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private HttpServer http; // guarded by this
    private final WorkerConfig config;
    private final OpenLinks links = new OpenLinks();
    private final SyncingUsers presence;
    private final CommandRouter router = CommandRouter.callbacksOnly();
    private final Ticker ticker;
    private final WorkerMetrics metrics;
    /** Appends this worker's {@code caches} rows under its own name, when started to write them. */
    private final StreamWriter cachesWriter;
    /** Moves the idle position of {@link #cachesWriter} along with the other writers'. */
    private final AutoCloseable cachesIdle;
    /** Rows and commands per second over the last minutes, for status and the dashboard. */
    private final org.myelin.server.metrics.RateHistory rates;
    private final Ticker rateTicker;
    private final long startedMillis = System.currentTimeMillis();

    private final Tunables tunables;
    private HttpServer metricsHttp; // guarded by this; the metrics-only listener

    private WorkerProcess(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate, Presence presenceOptions, RedisURI redisUri, boolean writeCaches,
            Tunables tunables) {
        this.config = config;
        this.tunables = tunables;
        if (writeCaches && (redisUri == null || !(config.catchUp() instanceof CatchUpSource.Database))) {
            throw new IllegalArgumentException("a worker writes caches rows to the writers' PostgreSQL database"
                    + " (--database URL) and streams them on the Redis bus (--redis URI): give both");
        }
        // a 1.66 writer hears no device ids: a user's syncs on all devices must count as one
        this.presence = new SyncingUsers(presenceOptions.instanceId(), presenceOptions.sync(),
                System::currentTimeMillis, config.tcpSettings().dialect() != Dialect.SYNAPSE_1_66);
        Function<String, UpdateFunction> catchUp;
        if (config.catchUp() instanceof CatchUpSource.SharedFile file) {
            this.store = SqliteStreamStore.openExisting(file.dataDir(), tunables.sqlite());
            catchUp = store::updateFunction;
        } else if (config.catchUp() instanceof CatchUpSource.Database database) {
            // a worker writing caches rows is one of the stream's writers: it opens the store as one
            this.store = writeCaches ? Stores.openWriter(database.url(), null, tunables.sqlite(), tunables.postgres())
                    : Stores.openReader(database.url(), null, tunables.sqlite(), tunables.postgres());
            catchUp = store::updateFunction;
        } else if (config.catchUp() instanceof CatchUpSource.OverHttpPerWriter remote) {
            this.store = null;
            HttpClient http = HttpClient.newBuilder().connectTimeout(tunables.catchUpConnectTimeout()).build();
            // each writer serves only its own rows: ask the one that wrote them
            catchUp = name -> (instance, from, upto, limit) -> new HttpUpdateFunction(http, remote.baseOf(instance),
                    name, remote.secret(), tunables.catchUpRequestTimeout()).getUpdates(instance, from, upto, limit);
        } else {
            CatchUpSource.OverHttp remote = (CatchUpSource.OverHttp) config.catchUp();
            this.store = null;
            HttpClient http = HttpClient.newBuilder().connectTimeout(tunables.catchUpConnectTimeout()).build();
            catchUp = name -> new HttpUpdateFunction(http, remote.base(), name, remote.secret(),
                    tunables.catchUpRequestTimeout());
        }
        ReplicationEngine built = null;
        try {
            InboundStreams streams;
            if (config.follow().isEmpty()) {
                // follow everything the writer announces; the link counts as established once those
                // caught up (a Synapse main has no federation stream, for one)
                streams = new InboundStreams(Set.of(), Set.of(), catchUp);
            } else {
                Set<String> follow = Set.copyOf(config.follow());
                streams = new InboundStreams(follow, follow, catchUp);
            }
            ReplicationEngine.Builder builder = tunables.engine().apply(ReplicationEngine.builder(config.name()))
                    .follow(streams, handler)
                    .onConnection(links).onConnection(presence).onCommand(router);
            builder.startFrom(config.resume());
            this.cachesWriter = writeCaches
                    ? new StreamWriter(store, config.name(), List.of(CacheInvalidations.STREAM)) : null;
            if (cachesWriter != null) {
                cachesWriter.addTo(builder); // answers REPLICATE with its caches POSITION, streams its rows
            }
            built = builder.build();
            this.engine = built;
            if (cachesWriter != null) {
                cachesWriter.attach(engine);
            }
            this.cachesIdle = cachesWriter == null ? () -> {}
                    : cachesWriter.advanceIdleEvery(StreamWriter.IDLE_POSITION_INTERVAL);
            if (redisUri == null) {
                this.redis = null;
                this.client = new TcpClient(config.connect().host(), config.connect().port(), config.name(),
                        config.serverName(), config.tcpSettings(), decorate.apply(new EngineLinks(engine))).start();
            } else {
                this.client = null;
                this.redis = RedisTransport.start(redisUri,
                        tunables.redis().apply(RedisSettings.defaults(config.serverName())
                                .withDialect(config.tcpSettings().dialect())), new EngineBus(engine));
            }
            this.metrics = new WorkerMetrics(engine, client, redis, presence, router, config.serverName());
            this.rates = new org.myelin.server.metrics.RateHistory(rateCounters());
            this.rateTicker = new Ticker("rates-" + config.name(),
                    Duration.ofSeconds(org.myelin.server.metrics.RateHistory.PERIOD_SECONDS),
                    () -> rates.sample(System.currentTimeMillis()));
            this.ticker = new Ticker("presence-" + presence.instanceId(), presenceOptions.sync().tickInterval(),
                    presence::tick);
        } catch (RuntimeException e) {
            if (built != null) {
                built.close();
            }
            if (store != null) {
                store.close();
            }
            throw e;
        }
        log.info("worker '{}' (instance id {}, dialect {}) following {} from {} (server '{}'), catching up from {},"
                + " resuming {}", config.name(), presence.instanceId(), config.tcpSettings().dialect(),
                config.follow().isEmpty() ? "every stream" : config.follow(),
                redis == null ? config.connect() : "redis " + redis.address(), config.serverName(),
                config.catchUp(), describe(config.resume()));
    }

    /**
     * Opens the catch-up source (the main process's store, read-only, or nothing to open for HTTP)
     * and starts connecting.
     *
     * @throws org.myelin.store.StoreException if catching up from a data directory that holds no
     *     Myelin database
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), Presence.forName(config.name()), null,
                false, Tunables.defaults());
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler)}, following the Redis channel named after
     * the server at {@code redisUri} instead of connecting over TCP ({@link WorkerConfig#connect()} is
     * not used).
     */
    public static WorkerProcess startOnRedis(WorkerConfig config, RedisURI redisUri, ReplicationDataHandler handler) {
        return startOnRedis(config, redisUri, handler, Presence.forName(config.name()));
    }

    /** As {@link #startOnRedis(WorkerConfig, RedisURI, ReplicationDataHandler)}, with these presence options. */
    public static WorkerProcess startOnRedis(WorkerConfig config, RedisURI redisUri, ReplicationDataHandler handler,
            Presence presence) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), presence,
                java.util.Objects.requireNonNull(redisUri), false,
                Tunables.defaults());
    }

    /**
     * As {@link #startOnRedis(WorkerConfig, RedisURI, ReplicationDataHandler, Presence)}; with
     * {@code writeCaches} the worker also writes the {@code caches} stream, as any Synapse process
     * may: {@link #appendCaches} (and {@code POST /_myelin/v1/streams/caches} on its HTTP port)
     * appends rows under the worker's own name to the writers' PostgreSQL database, streams them on
     * the bus and answers {@code REPLICATE} with its {@code caches} position.
     *
     * @throws IllegalArgumentException with {@code writeCaches}, if the worker does not catch up from
     *     a PostgreSQL database
     */
    public static WorkerProcess startOnRedis(WorkerConfig config, RedisURI redisUri, ReplicationDataHandler handler,
            Presence presence, boolean writeCaches) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), presence,
                java.util.Objects.requireNonNull(redisUri), writeCaches,
                Tunables.defaults());
    }

    /**
     * Appends {@code caches} rows (Synapse's {@code [cache_func, keys, invalidation_ts]}) under this
     * worker's instance name, each with its own token, and streams them to every other process.
     *
     * @return the token of each row
     * @throws IllegalStateException if this worker was not started to write caches
     * @throws IllegalArgumentException if a row is not JSON
     * @throws org.myelin.store.StoreException if the database refused the rows (nothing written)
     */
    public List<Long> appendCaches(List<org.myelin.protocol.RawJson> rows) {
        if (cachesWriter == null) {
            throw new IllegalStateException("worker '" + config.name() + "' was not started to write caches");
        }
        return cachesWriter.append(CacheInvalidations.STREAM, rows);
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler)}, with the link events passing through
     * {@code decorate} first (for fault tests that stall or observe the link).
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate) {
        return new WorkerProcess(config, handler, decorate, Presence.forName(config.name()), null, false,
                Tunables.defaults());
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler, UnaryOperator)}, with this instance id
     * and these presence timings (tests use short ones).
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate, Presence presence) {
        return new WorkerProcess(config, handler, decorate, presence, null, false, Tunables.defaults());
    }

    /**
     * Starts a worker with the limits and timings of a configuration file's {@code myelin:} section
     * (engine bounds, HTTP limits, Redis timings, catch-up timeouts, store tuning; the link settings are
     * {@link WorkerConfig#tcpSettings()}), over TCP, or on the Redis bus at {@code redisUri} when it is
     * not null; with {@code writeCaches} it also writes the {@code caches} stream (see
     * {@link #startOnRedis(WorkerConfig, RedisURI, ReplicationDataHandler, Presence, boolean)}).
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler, Presence presence,
            RedisURI redisUri, Tunables tunables, boolean writeCaches) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), presence, redisUri, writeCaches,
                tunables);
    }

    /** The users syncing on this worker: {@code setSyncing} is the library API of {@code /sync}. */
    public SyncingUsers presence() {
        return presence;
    }

    /** Register callbacks for {@code REMOTE_SERVER_UP}, {@code LOCK_RELEASED}, {@code NEW_ACTIVE_TASK} here. */
    public CommandRouter router() {
        return router;
    }

    /**
     * Reports a client request to the writer ({@code USER_IP}) on every open link.
     *
     * @return on how many links it went (0 when none is up: dropped)
     */
    public int reportUserIp(UserIpCommand command) {
        return links.sendToAll(command);
    }

    /**
     * Serves {@link #httpEndpoints()} on a Netty HTTP listener until {@link #close()}.
     *
     * @return the port actually bound (useful with port 0)
     * @throws IOException if the address cannot be bound (the message names it)
     * @throws IllegalStateException if this worker already serves HTTP
     */
    public synchronized int listenHttp(String host, int port) throws IOException {
        if (http != null) {
            throw new IllegalStateException("this worker already serves HTTP on port " + http.port());
        }
        HttpServer.Builder routes = HttpServer.builder().name("worker-" + config.name())
                .settings(tunables.http());
        for (Route route : httpEndpoints()) {
            routes.route(route.method(), route.path(), route.endpoint());
        }
        try {
            http = routes.bind(host, port);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for HTTP: " + e.getMessage(), e);
        }
        log.info("worker '{}' serving HTTP on {}:{}", config.name(), host, http.port());
        return http.port();
    }

    /**
     * Serves {@code GET /metrics} alone on another listener until {@link #close()}: a port for
     * Prometheus that exposes nothing else.
     *
     * @return the port actually bound (useful with port 0)
     * @throws IOException if the address cannot be bound (the message names it)
     * @throws IllegalStateException if this worker already serves metrics there
     */
    public synchronized int listenMetrics(String host, int port) throws IOException {
        if (metricsHttp != null) {
            throw new IllegalStateException("this worker already serves metrics on port " + metricsHttp.port());
        }
        try {
            metricsHttp = HttpServer.builder().name("worker-" + config.name() + "-metrics").settings(tunables.http())
                    .get(MetricsEndpoint.ROUTE, new MetricsEndpoint(WorkerMetrics.CONTENT_TYPE, metrics::write))
                    .bind(host, port);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + " for metrics: " + e.getMessage(), e);
        }
        log.info("worker '{}' serving metrics on {}:{}", config.name(), host, metricsHttp.port());
        return metricsHttp.port();
    }

    /**
     * The worker's HTTP endpoints, for an HTTP server to mount: {@code POST /_myelin/v1/sync/{user_id}},
     * {@code POST /_myelin/v1/user_ip}, {@code GET /_myelin/v1/status}, {@code GET /metrics}, and the dashboard at {@code GET /}.
     */
    public List<Route> httpEndpoints() {
        List<Route> routes = new java.util.ArrayList<>(org.myelin.server.dashboard.Dashboard.routes());
        routes.addAll(List.of(
                new Route("POST", SyncEndpoint.ROUTE, new SyncEndpoint(presence)),
                new Route("POST", UserIpEndpoint.ROUTE, new UserIpEndpoint(this::reportUserIp,
                        System::currentTimeMillis)),
                new Route("GET", StatusEndpoint.ROUTE, new StatusEndpoint(this::status)),
                new Route("GET", MetricsEndpoint.ROUTE, new MetricsEndpoint(WorkerMetrics.CONTENT_TYPE,
                        metrics::write))));
        if (cachesWriter != null) {
            routes.add(new Route("POST", AppendRowsEndpoint.ROUTE, new AppendRowsEndpoint((stream, rows, sameToken) -> {
                if (!CacheInvalidations.STREAM.equals(stream)) {
                    throw new IllegalArgumentException("a worker writes only the caches stream; write '" + stream
                            + "' through a writer (myelin main)");
                }
                return cachesWriter.append(stream, rows, sameToken);
            })));
        }
        return List.copyOf(routes);
    }

    /**
     * The status document of {@code GET /_myelin/v1/status}: the link, the followed streams and their
     * tokens, receiver counters, syncing users, background tasks.
     */
    public ObjectNode status() {
        ObjectNode root = Json.mapper().createObjectNode()
                .put("role", "worker")
                .put("uptime_s", (System.currentTimeMillis() - startedMillis) / 1000)
                .put("server_name", config.serverName())
                .put("instance", config.name())
                .put("instance_id", presence.instanceId())
                .put("dialect", config.tcpSettings().dialect().configName());
        ArrayNode linkArray = root.putArray("links");
        if (client != null) {
            java.util.Optional<Link> open = client.link().filter(Link::isOpen);
            ObjectNode l = linkArray.addObject();
            if (open.isPresent()) {
                Link link = open.get();
                l.put("id", link.id()).put("name", link.name())
                        .put("address", String.valueOf(link.remoteAddress()))
                        .put("transport", "tcp")
                        .put("state", link.inCatchUpMode() ? "catch-up" : "open")
                        .put("catch_up_mode", link.inCatchUpMode())
                        .put("pending_commands", link.pendingCommands());
            } else {
                l.put("id", "-").put("name", config.serverName())
                        .put("address", String.valueOf(config.connect())).put("transport", "tcp")
                        .put("state", "connecting").put("catch_up_mode", false).put("pending_commands", 0);
            }
            putLinkLag(l);
        }
        if (redis != null) {
            root.putObject("redis").put("state", redis.state().toString())
                    .put("address", String.valueOf(redis.address()))
                    .put("last_failure", redis.lastFailure());
            ObjectNode l = linkArray.addObject().put("id", "redis").put("name", "redis")
                    .put("address", String.valueOf(redis.address())).put("transport", "redis")
                    .put("state", redis.state().name().toLowerCase(java.util.Locale.ROOT))
                    .put("catch_up_mode", false).put("pending_commands", redis.publishQueue());
            putLinkLag(l);
        }
        ObjectNode writers = root.putObject("stream_writers");
        engine.receivedTokens().forEach((stream, byInstance) -> {
            ObjectNode s = writers.putObject(stream);
            byInstance.forEach(s::put);
        });
        ObjectNode lagMs = root.putObject("lag_ms");
        engine.receiver().lagMillis().forEach((stream, byInstance) -> {
            ObjectNode s = lagMs.putObject(stream);
            byInstance.forEach(s::put);
        });
        org.myelin.server.metrics.RateHistory history = rates; // null while the constructor runs
        if (history != null) {
            history.putJson(root.putObject("rates"));
        }
        ObjectNode counters = root.putObject("counters")
                .put("catch_ups", engine.receiver().catchUps())
                .put("catch_up_rows", engine.receiver().catchUpRows())
                .put("rdata_dropped", engine.receiver().rdataDropped())
                .put("tasks_failed", engine.taskStats().values().stream().mapToLong(x -> x.failed()).sum());
        if (client != null) {
            org.myelin.tcp.TcpMetrics t = client.metrics();
            counters.put("links_opened", t.linksOpened()).put("errors_sent", t.errorsSent())
                    .put("errors_received", t.errorsReceived()).put("parse_failures", t.parseFailures())
                    .put("ping_timeouts", t.pingTimeouts());
            ObjectNode reconnects = root.putObject("reconnects");
            t.closeReasons().forEach(reconnects::put);
        } else {
            counters.put("links_opened", redis.metrics().linksOpened())
                    .put("parse_failures", redis.metrics().parseFailures());
            ObjectNode reconnects = root.putObject("reconnects");
            redis.metrics().reconnectsByCause().forEach(reconnects::put);
        }
        ObjectNode streams = root.putObject("streams");
        engine.receivedTokens().forEach((stream, byInstance) -> {
            ObjectNode s = streams.putObject(stream);
            byInstance.forEach(s::put);
        });
        ObjectNode safe = root.putObject("safe_positions");
        engine.safePositions().forEach(safe::put);
        ObjectNode lag = root.putObject("lag");
        engine.receiver().lag().forEach((stream, byInstance) -> {
            ObjectNode s = lag.putObject(stream);
            byInstance.forEach(s::put);
        });
        root.putObject("receiver")
                .put("rows_delivered", engine.receiver().rowsDelivered())
                .put("rdata_dropped", engine.receiver().rdataDropped())
                .put("catch_ups", engine.receiver().catchUps())
                .put("pauses", engine.receiver().pauses());
        ObjectNode p = root.putObject("presence");
        ArrayNode syncing = p.putArray("syncing");
        presence.syncing().forEach(k -> syncing.addObject().put("user_id", k.userId()).put("device_id", k.deviceId()));
        p.put("commands_sent", presence.commandsSent());
        root.put("commands_ignored", router.ignored());
        ObjectNode tasks = root.putObject("tasks");
        engine.taskStats().forEach((name, st) -> tasks.putObject(name)
                .put("started", st.started()).put("running", st.running()).put("failed", st.failed())
                .put("seconds", st.totalNanos() / 1e9));
        return root;    }

    /** The link's lag: the most tokens and milliseconds any followed (stream, writer) is behind. */
    private void putLinkLag(ObjectNode link) {
        long tokens = engine.receiver().lag().values().stream().flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue).max().orElse(0);
        long ms = engine.receiver().lagMillis().values().stream().flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue).max().orElse(0);
        link.put("lag", tokens).put("lag_ms", ms);
    }

    /** The counters whose rates {@link #status()} shows over the last minutes. */
    private java.util.Map<String, java.util.function.LongSupplier> rateCounters() {
        java.util.Map<String, java.util.function.LongSupplier> counters = new java.util.LinkedHashMap<>();
        counters.put("rows", () -> engine.receiver().rowsDelivered());
        counters.put("commands_in", () -> client != null ? client.metrics().commandsReceived()
                : redis.metrics().received());
        counters.put("commands_out", () -> client != null ? client.metrics().commandsSent()
                : redis.metrics().published());
        return counters;
    }

    /** The engine (tokens, counters). */
    public ReplicationEngine engine() {
        return engine;
    }

    /** The Redis link, when started on Redis. */
    public java.util.Optional<RedisTransport> redis() {
        return java.util.Optional.ofNullable(redis);
    }

    /** The TCP client (link, reconnect delays); {@code null} when started on Redis. */
    public TcpClient client() {
        return client;
    }

    private static String describe(ResumePositions resume) {
        String others = resume.otherwise().isPresent() ? "after token " + resume.otherwise().getAsLong()
                : "at the position announced";
        return resume.tokens().isEmpty() ? "every stream " + others : resume.tokens() + ", other streams " + others;
    }

    /**
     * Graceful shutdown: tells the writer this instance's users stopped syncing
     * ({@code CLEAR_USER_SYNC}, handed to the link before it is closed, so it is written first); then
     * the engine, so a catch-up in progress stops at once and no row reaches the handler after this
     * returns; then the link and the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ticker.close();
        rateTicker.close();
        presence.close();
        try {
            cachesIdle.close();
        } catch (Exception e) {
            log.warn("cannot stop moving the idle caches position: {}", e.toString());
        }
        synchronized (this) {
            if (http != null) {
                http.close();
            }
            if (metricsHttp != null) {
                metricsHttp.close();
            }
        }
        engine.close();
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /**
     * What {@code myelin worker} is given.
     *
     * @param name the worker's instance name (also its NAME on the link)
     * @param connect the main process's replication address
     * @param serverName the server name the main process must announce
     * @param catchUp where missed rows are fetched
     * @param resume where each (stream, writer instance) resumes
     * @param follow the streams to follow; empty for all
     * @param tcpSettings link timings and limits
     */
    public record WorkerConfig(String name, HostPort connect, String serverName, CatchUpSource catchUp,
            ResumePositions resume, List<String> follow, TcpSettings tcpSettings) {
        /** Every stream starting after {@code from} when given, else at the first position announced. */
        public WorkerConfig(String name, HostPort connect, String serverName, CatchUpSource catchUp,
                OptionalLong from, List<String> follow, TcpSettings tcpSettings) {
            this(name, connect, serverName, catchUp, ResumePositions.atAnnounced().withOtherwise(from), follow,
                    tcpSettings);
        }

        /** Catching up from the main process's data directory on this machine. */
        public WorkerConfig(String name, HostPort connect, String serverName, Path data, OptionalLong from,
                List<String> follow, TcpSettings tcpSettings) {
            this(name, connect, serverName, new CatchUpSource.SharedFile(data), from, follow, tcpSettings);
        }
    }

    /**
     * The worker's identity for presence.
     *
     * @param instanceId the id sent in {@code USER_SYNC}/{@code CLEAR_USER_SYNC}: one word, new for every
     *     run of the process (as Synapse's), so that a restarted worker never inherits users a killed one
     *     left behind on the writer
     * @param sync the delays of the worker side
     */
    public record Presence(String instanceId, SyncSettings sync) {
        private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

        /** {@code <name>.<6 random characters>}, with Synapse's default delays. */
        public static Presence forName(String name) {
            return new Presence(newInstanceId(name), SyncSettings.defaults());
        }

        /** A fresh instance id for a worker called {@code name} (spaces replaced, a random suffix). */
        public static String newInstanceId(String name) {
            StringBuilder id = new StringBuilder(name.replaceAll("\\s+", "_")).append('.');
            java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
            for (int i = 0; i < 6; i++) {
                id.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
            }
            return id.toString();
        }
    }
}
