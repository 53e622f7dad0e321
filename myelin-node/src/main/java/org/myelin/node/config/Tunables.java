package org.myelin.node.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.clientip.UserIpSettings;
import org.myelin.core.presence.PresenceLimits;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.presence.SyncSettings;
import org.myelin.core.task.BackgroundTasks;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.http.server.HttpSettings;
import org.myelin.node.config.Tunable.Kind;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Framing;
import org.myelin.redis.RedisSettings;
import org.myelin.store.postgres.PostgresStoreOptions;
import org.myelin.store.sqlite.SqliteStoreOptions;
import org.myelin.tcp.TcpSettings;

/**
 * The {@code myelin:} section: every limit and timing Synapse has no word for, each with today's
 * built-in value as its default, handed out as the settings records the components already take
 * ({@link TcpSettings}, {@link HttpSettings}, {@link RedisSettings}, {@link PresenceSettings}, ...).
 *
 * @param values the value of every key of {@link #KEYS}
 */
public record Tunables(Map<String, Object> values) {
    private static final double INT = Integer.MAX_VALUE;
    private static final double MS = Duration.ofDays(24).toMillis(); // some end up as int milliseconds

    /** Every key, in the order of the example file. */
    public static final List<Tunable> KEYS = keys();

    /** @throws IllegalArgumentException if a key is missing, unknown, or the values contradict each other */
    public Tunables {
        Map<String, Object> copy = new TreeMap<>(values);
        for (Tunable t : KEYS) {
            if (!copy.containsKey(t.key())) {
                throw new IllegalArgumentException("no value for myelin." + t.key());
            }
        }
        if (copy.size() != KEYS.size()) {
            throw new IllegalArgumentException("unknown keys among " + copy.keySet());
        }
        values = Collections.unmodifiableMap(copy);
        List<String> problems = problems(values);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** Today's built-in values. */
    public static Tunables defaults() {
        Map<String, Object> v = new LinkedHashMap<>();
        KEYS.forEach(t -> v.put(t.key(), t.defaultValue()));
        return new Tunables(v);
    }

    /** The one key, or null for an unknown one. */
    public static Tunable key(String key) {
        return KEYS.stream().filter(t -> t.key().equals(key)).findFirst().orElse(null);
    }

    /** The same with one value replaced. */
    public Tunables with(String key, Object value) {
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.put(key, value);
        return new Tunables(v);
    }

    /**
     * What is wrong with a combination of values, each as {@code myelin.GROUP: reason} (for example a
     * reconnect cap below the initial delay); empty when the settings records accept them.
     */
    static List<String> problems(Map<String, Object> v) {
        List<String> problems = new ArrayList<>();
        Map<String, Function<Map<String, Object>, Object>> groups = new LinkedHashMap<>();
        groups.put("tcp", Tunables::tcp);
        groups.put("http", Tunables::http);
        groups.put("redis", m -> redis(m).apply(RedisSettings.defaults("localhost")));
        groups.put("presence", m -> List.of(presence(m), sync(m), presenceLimits(m), userIps(m)));
        groups.put("store", m -> List.of(sqlite(m), postgres(m).apply(PostgresStoreOptions.of(
                "jdbc:postgresql://localhost/check"))));
        groups.put("catch_up", m -> {
            StreamUpdatesHandler.checkRows(count(m, "catch_up.serve_rows"), count(m, "catch_up.max_serve_rows"));
            return null;
        });
        groups.put("engine", m -> engine(m).apply(ReplicationEngine.builder("check")));
        groups.forEach((group, build) -> {
            try {
                build.apply(v);
            } catch (IllegalArgumentException e) {
                problems.add("myelin." + group + ": " + e.getMessage());
            }
        });
        return problems;
    }

    /** The wire dialect ({@code myelin.dialect}). */
    public Dialect dialect() {
        return (Dialect) values.get("dialect");
    }

    /** The TCP link settings ({@code myelin.tcp.*} and {@code myelin.dialect}). */
    public TcpSettings tcp() {
        return tcp(values);
    }

    /** The HTTP listeners' limits ({@code myelin.http.*}). */
    public HttpSettings http() {
        return http(values);
    }

    /** Rows one append request may carry ({@code myelin.http.max_rows_per_append}). */
    public int maxRowsPerAppend() {
        return count(values, "http.max_rows_per_append");
    }

    /** The engine's queue bounds, threads and waits ({@code myelin.engine.*}, {@code catch_up.page_rows}). */
    public UnaryOperator<ReplicationEngine.Builder> engine() {
        return engine(values);
    }

    /** Rows per answer of the HTTP catch-up endpoint ({@code myelin.catch_up.serve_rows}). */
    public int catchUpServeRows() {
        return count(values, "catch_up.serve_rows");
    }

    /** The most rows an answer of the HTTP catch-up endpoint holds, whatever a request asks ({@code myelin.catch_up.max_serve_rows}). */
    public int catchUpMaxServeRows() {
        return count(values, "catch_up.max_serve_rows");
    }

    /** Connect timeout of a worker's HTTP catch-up client ({@code myelin.catch_up.http_connect_timeout}). */
    public Duration catchUpConnectTimeout() {
        return duration(values, "catch_up.http_connect_timeout");
    }

    /** Timeout of one HTTP catch-up request ({@code myelin.catch_up.http_request_timeout}). */
    public Duration catchUpRequestTimeout() {
        return duration(values, "catch_up.http_request_timeout");
    }

    /** The Redis transport's timings and bounds ({@code myelin.redis.*}), applied to a process's settings. */
    public UnaryOperator<RedisSettings> redis() {
        return redis(values);
    }

    /** The writer's presence timings ({@code myelin.presence.sync_timeout}, {@code instance_expiry}, {@code tick_interval}). */
    public PresenceSettings presence() {
        return presence(values);
    }

    /** A worker's presence timings ({@code myelin.presence.user_sync_end_delay}, {@code user_sync_refresh}). */
    public SyncSettings sync() {
        return sync(values);
    }

    /** The writer's presence memory bounds and batching ({@code myelin.presence.max_*}, {@code publish_*}). */
    public PresenceLimits presenceLimits() {
        return presenceLimits(values);
    }

    /** How the writer throttles {@code USER_IP} writes ({@code myelin.presence.user_ip_*}). */
    public UserIpSettings userIps() {
        return userIps(values);
    }

    /** Whether the writer stores {@code USER_IP} reports ({@code myelin.presence.store_user_ips}). */
    public boolean storeUserIps() {
        return (Boolean) values.get("presence.store_user_ips");
    }

    /** How often, at most, {@code myelin worker --state} rewrites its state file while rows flow ({@code myelin.worker.state_save_interval}). */
    public Duration stateSaveInterval() {
        return duration(values, "worker.state_save_interval");
    }

    /** The SQLite store's tuning ({@code myelin.store.sqlite_*}). */
    public SqliteStoreOptions sqlite() {
        return sqlite(values);
    }

    /** The PostgreSQL store's pool and timeouts ({@code myelin.store.postgres_*}), applied to a URL's options. */
    public UnaryOperator<PostgresStoreOptions> postgres() {
        return postgres(values);
    }

    private static TcpSettings tcp(Map<String, Object> v) {
        return new TcpSettings(duration(v, "tcp.ping_interval"), duration(v, "tcp.ping_timeout"),
                duration(v, "tcp.close_timeout"), (int) size(v, "tcp.max_line_bytes"),
                size(v, "tcp.outbound_queue_bytes"), count(v, "tcp.outbound_queue_commands"),
                duration(v, "tcp.unwritable_deadline"), duration(v, "tcp.reconnect_initial_delay"),
                duration(v, "tcp.reconnect_max_delay"), (Double) v.get("tcp.reconnect_jitter"),
                (Dialect) v.get("dialect"), (int) size(v, "tcp.socket_send_buffer_bytes"),
                duration(v, "tcp.handshake_timeout"), count(v, "tcp.max_connections"),
                duration(v, "tcp.wrong_server_retry"), count(v, "tcp.inbox_commands"));
    }

    private static HttpSettings http(Map<String, Object> v) {
        return new HttpSettings((int) size(v, "http.max_body_bytes"), duration(v, "http.read_timeout"),
                duration(v, "http.idle_timeout"), count(v, "http.max_connections"), count(v, "http.worker_threads"),
                count(v, "http.queue_capacity"), count(v, "http.io_threads"), size(v, "http.max_queued_body_bytes"),
                count(v, "http.max_pipelined"));
    }

    private static UnaryOperator<ReplicationEngine.Builder> engine(Map<String, Object> v) {
        return b -> b.fetchLimit(count(v, "engine.stream_read_rows"))
                .catchUpPageRows(count(v, "catch_up.page_rows"))
                .maxQueuedPerLink(count(v, "engine.max_queued_per_link"))
                .announceGrace(duration(v, "engine.announce_grace"))
                .threads(count(v, "engine.stream_threads"), count(v, "engine.command_threads"))
                .retryDelay(duration(v, "engine.read_retry_delay"))
                .shutdownWait(duration(v, "engine.task_drain_time"));
    }

    private static UnaryOperator<RedisSettings> redis(Map<String, Object> v) {
        return s -> s.withTimings(duration(v, "redis.ping_interval"), duration(v, "redis.command_timeout"),
                duration(v, "redis.backoff_initial"), duration(v, "redis.backoff_max"))
                .withPublishBounds(count(v, "redis.max_queued_publishes"), count(v, "redis.max_in_flight"))
                .withConnection(duration(v, "redis.connect_timeout"), count(v, "redis.publish_batch"));
    }

    private static PresenceSettings presence(Map<String, Object> v) {
        return new PresenceSettings(duration(v, "presence.sync_timeout"), duration(v, "presence.instance_expiry"),
                duration(v, "presence.tick_interval"));
    }

    private static PresenceLimits presenceLimits(Map<String, Object> v) {
        return new PresenceLimits(count(v, "presence.max_offline_users"), count(v, "presence.max_cleared_instances"),
                count(v, "presence.publish_queue_rows"), count(v, "presence.publish_batch_rows"));
    }

    private static UserIpSettings userIps(Map<String, Object> v) {
        return new UserIpSettings(duration(v, "presence.user_ip_interval"), count(v, "presence.user_ip_max_keys"));
    }

    private static SyncSettings sync(Map<String, Object> v) {
        return new SyncSettings(duration(v, "presence.user_sync_end_delay"), duration(v, "presence.user_sync_refresh"),
                duration(v, "presence.tick_interval"));
    }

    private static SqliteStoreOptions sqlite(Map<String, Object> v) {
        return new SqliteStoreOptions(duration(v, "store.sqlite_busy_timeout"), count(v, "store.sqlite_read_connections"),
                (Boolean) v.get("store.sqlite_durable_commits"));
    }

    private static UnaryOperator<PostgresStoreOptions> postgres(Map<String, Object> v) {
        return o -> o.withTuning(count(v, "store.postgres_pool_size"), duration(v, "store.postgres_statement_timeout"),
                duration(v, "store.postgres_connect_timeout"), duration(v, "store.postgres_retry_for"))
                .withRetryBackoff(duration(v, "store.postgres_retry_initial_delay"), duration(v, "store.postgres_retry_max_delay"));
    }

    private static Duration duration(Map<String, Object> v, String key) {
        return (Duration) v.get(key);
    }

    private static long size(Map<String, Object> v, String key) {
        return (Long) v.get(key);
    }

    private static int count(Map<String, Object> v, String key) {
        return Math.toIntExact((Long) v.get(key));
    }

    private static List<Tunable> keys() {
        TcpSettings tcp = TcpSettings.defaults();
        HttpSettings http = HttpSettings.defaults();
        RedisSettings redis = RedisSettings.defaults("localhost");
        PresenceSettings presence = PresenceSettings.defaults();
        SyncSettings sync = SyncSettings.defaults();
        SqliteStoreOptions sqlite = SqliteStoreOptions.defaults();
        PostgresStoreOptions pg = PostgresStoreOptions.of("jdbc:postgresql://localhost/defaults");
        List<Tunable> k = new ArrayList<>();
        k.add(new Tunable("dialect", Kind.DIALECT, 0, 0, tcp.dialect(),
                "wire dialect: 1.66 speaks Synapse 1.66's forms (USER_SYNC without a device id; never sends "
                        + "LOCK_RELEASED/NEW_ACTIVE_TASK)"));
        // TCP links
        k.add(d("tcp.ping_interval", tcp.pingInterval(), "send PING after this long without sending anything"));
        k.add(d("tcp.ping_timeout", tcp.pingTimeout(),
                "close a link (ERROR ping timeout) whose peer has pinged once and then sent nothing this long"));
        k.add(d("tcp.close_timeout", tcp.closeTimeout(), "abort a link whose close has not finished after this long"));
        k.add(new Tunable("tcp.max_line_bytes", Kind.SIZE, Framing.MIN_CONFIGURABLE_LINE_BYTES,
                Framing.MAX_CONFIGURABLE_LINE_BYTES, (long) tcp.maxLineBytes(),
                "longest line accepted and sent; a longer RDATA is replaced by a POSITION (workers fetch the row)"));
        k.add(new Tunable("tcp.outbound_queue_bytes", Kind.SIZE, 1, Long.MAX_VALUE, tcp.maxQueuedBytes(),
                "bytes waiting for a slow peer's socket before its link enters catch-up mode"));
        k.add(c("tcp.outbound_queue_commands", 1, tcp.maxQueuedCommands(),
                "commands waiting for a slow peer's socket before its link enters catch-up mode"));
        k.add(d("tcp.unwritable_deadline", tcp.unwritableDeadline(), "close a link whose socket stays unwritable this long"));
        k.add(d("tcp.reconnect_initial_delay", tcp.reconnectInitialDelay(), "a worker's first reconnect delay (it doubles)"));
        k.add(d("tcp.reconnect_max_delay", tcp.reconnectMaxDelay(), "the longest reconnect delay"));
        k.add(new Tunable("tcp.reconnect_jitter", Kind.FRACTION, 0, 1, tcp.reconnectJitter(),
                "fraction by which a reconnect delay is randomly shortened, so that workers do not reconnect in step"));
        k.add(new Tunable("tcp.socket_send_buffer_bytes", Kind.SIZE, 0, INT, (long) tcp.socketSendBufferBytes(),
                "kernel send buffer per connection (SO_SNDBUF); 0 for the system's"));
        k.add(d("tcp.handshake_timeout", tcp.handshakeTimeout(),
                "close a connection that has sent neither NAME nor REPLICATE this long after connecting"));
        k.add(c("tcp.max_connections", 1, tcp.maxConnections(), "replication connections open at once; more are refused"));
        k.add(d("tcp.wrong_server_retry", tcp.wrongServerDelay(),
                "a worker retries a server that gave another name than expected (a configuration error) this often"));
        k.add(c("tcp.inbox_commands", 1, tcp.inboxBound(),
                "commands other threads leave for a link's event loop before RDATA are dropped for a POSITION "
                        + "(at least outbound_queue_commands)"));
        // the engine
        k.add(c("engine.max_queued_per_link", 2, ReplicationEngine.DEFAULT_MAX_QUEUED_PER_LINK,
                "commands received on one link and not yet handled before reading from it pauses"));
        k.add(d("engine.announce_grace", ReplicationEngine.DEFAULT_ANNOUNCE_GRACE,
                "how long a link must be quiet of new streams' POSITIONs before the writer's answer to REPLICATE "
                        + "counts as complete"));
        k.add(c("engine.stream_threads", 1, BackgroundTasks.DEFAULT_MAX_THREADS,
                "threads handling the per-stream queues (catch-up reads may block them)"));
        k.add(c("engine.command_threads", 1, ReplicationEngine.DEFAULT_COMMAND_THREADS,
                "threads handling the other commands (USER_SYNC, USER_IP, ...)"));
        k.add(d("engine.read_retry_delay", ReplicationEngine.DEFAULT_RETRY_DELAY,
                "how long the writer waits before reading its store again after a failed read"));
        k.add(d("engine.task_drain_time", ReplicationEngine.DEFAULT_SHUTDOWN_WAIT,
                "how long stopping waits for running tasks (catch-ups, handlers)"));
        // catch-up
        k.add(c("engine.stream_read_rows", 1, ReplicationEngine.DEFAULT_FETCH_LIMIT,
                "rows the writer reads per store query when streaming new rows"));
        k.add(c("catch_up.page_rows", 1, ReplicationEngine.DEFAULT_CATCH_UP_PAGE_ROWS,
                "rows a worker asks for per catch-up request (a store query or an HTTP page)"));
        k.add(c("catch_up.serve_rows", 1, StreamUpdatesHandler.ROWS_PER_ANSWER,
                "rows per answer of the HTTP catch-up endpoint when the request names no limit"));
        k.add(c("catch_up.max_serve_rows", 1, StreamUpdatesHandler.MAX_ROWS_PER_ANSWER,
                "most rows per answer of the HTTP catch-up endpoint, whatever limit a request asks (bounds its memory)"));
        k.add(d("catch_up.http_connect_timeout", Duration.ofSeconds(5), "a worker's HTTP catch-up connect timeout"));
        k.add(d("catch_up.http_request_timeout", Duration.ofSeconds(30), "a worker's HTTP catch-up request timeout"));
        // HTTP
        k.add(new Tunable("http.max_body_bytes", Kind.SIZE, 1, INT, (long) http.maxBodyBytes(),
                "largest request body; a larger one gets 413 unread"));
        k.add(d("http.read_timeout", http.readTimeout(), "time a request may take to arrive in full"));
        k.add(d("http.idle_timeout", http.idleTimeout(), "time a kept-alive connection may sit idle"));
        k.add(c("http.max_connections", 1, http.maxConnections(), "HTTP connections open at once"));
        k.add(c("http.worker_threads", 1, http.workerThreads(), "threads running endpoints"));
        k.add(c("http.queue_capacity", 1, http.queueCapacity(), "requests waiting for a thread before 503"));
        k.add(c("http.io_threads", 1, http.ioThreads(), "socket I/O threads"));
        k.add(new Tunable("http.max_queued_body_bytes", Kind.SIZE, 1, Long.MAX_VALUE, http.maxQueuedBodyBytes(),
                "request bodies held in memory together before 503"));
        k.add(c("http.max_pipelined", 1, http.maxPipelined(),
                "requests one connection may pipeline while one is handled; a client sending more is disconnected"));
        k.add(c("http.max_rows_per_append", 1, AppendRowsEndpoint.DEFAULT_MAX_ROWS, "rows one append request may carry"));
        // Redis
        k.add(d("redis.ping_interval", redis.pingInterval(), "Redis PING on each connection this often"));
        k.add(d("redis.command_timeout", redis.commandTimeout(), "a Redis command slower than this renews the link"));
        k.add(d("redis.backoff_initial", redis.backoffInitial(), "first Redis reconnect delay (it doubles)"));
        k.add(d("redis.backoff_max", redis.backoffMax(), "longest Redis reconnect delay"));
        k.add(c("redis.max_queued_publishes", 1, redis.maxQueuedPublishes(),
                "commands waiting to be published before stream commands are discarded (a POSITION covers them)"));
        k.add(c("redis.max_in_flight", 1, redis.maxInFlight(), "PUBLISHes sent and not yet answered"));
        k.add(d("redis.connect_timeout", redis.connectTimeout(), "opening a TCP connection to Redis may take this long"));
        k.add(c("redis.publish_batch", 1, redis.publishBatch(),
                "a long burst of PUBLISHes goes on the wire in slices of this many, not at its end"));
        // presence
        k.add(d("presence.sync_timeout", presence.syncTimeout(), "writer: a user no instance has syncing goes offline after this"));
        k.add(d("presence.instance_expiry", presence.instanceExpiry(),
                "writer: an instance silent this long is dropped as if it had sent CLEAR_USER_SYNC"));
        k.add(d("presence.tick_interval", presence.tickInterval(), "how often both sides check their presence timings"));
        k.add(d("presence.user_sync_end_delay", sync.endDelay(), "worker: USER_SYNC end goes out this long after a user's last sync"));
        k.add(d("presence.user_sync_refresh", sync.refreshInterval(),
                "worker: USER_SYNC start is re-sent this often for every syncing user"));
        k.add(new Tunable("presence.store_user_ips", Kind.BOOLEAN, 0, 0, true,
                "writer: store USER_IP reports in the client_ips table"));
        PresenceLimits limits = PresenceLimits.defaults();
        UserIpSettings userIps = UserIpSettings.defaults();
        k.add(new Tunable("presence.user_ip_interval", Kind.DURATION, 0, MS, userIps.interval(),
                "writer: a USER_IP report of the same user, access token and address is stored at most this often"));
        k.add(c("presence.user_ip_max_keys", 1, userIps.maxKeys(),
                "writer: (user, token, address) keys remembered for that throttling; one forgotten early costs one write"));
        k.add(c("presence.max_offline_users", 1, limits.maxOfflineRemembered(),
                "writer: offline users remembered for lookups (least recently used forgotten)"));
        k.add(c("presence.max_cleared_instances", 1, limits.maxClearedRemembered(),
                "writer: instances remembered as having sent CLEAR_USER_SYNC (their late USER_SYNC ends are ignored)"));
        k.add(new Tunable("presence.publish_queue_rows", Kind.COUNT, 1, 10_000_000, (long) limits.publishQueueRows(),
                "writer: presence changes waiting to be appended to the presence stream"));
        k.add(c("presence.publish_batch_rows", 1, limits.publishBatchRows(), "writer: presence changes per append"));
        // a worker program
        k.add(d("worker.state_save_interval", Duration.ofMillis(100),
                "myelin worker --state: the state file is rewritten at most this often while rows flow"));
        // stores
        k.add(new Tunable("store.sqlite_busy_timeout", Kind.DURATION, 0, MS, sqlite.busyTimeout(),
                "SQLite: how long a statement waits for a lock"));
        k.add(c("store.sqlite_read_connections", 1, sqlite.readConnections(), "SQLite: connections serving reads"));
        k.add(new Tunable("store.sqlite_durable_commits", Kind.BOOLEAN, 0, 0, sqlite.durableCommits(),
                "SQLite: sync every append to disk before it returns (synchronous=FULL)"));
        k.add(c("store.postgres_pool_size", 2, pg.poolSize(), "PostgreSQL: connections kept (database.args.cp_min/cp_max are ignored)"));
        k.add(d("store.postgres_statement_timeout", pg.statementTimeout(), "PostgreSQL: statement timeout"));
        k.add(d("store.postgres_connect_timeout", pg.connectTimeout(), "PostgreSQL: connect timeout"));
        k.add(new Tunable("store.postgres_retry_for", Kind.DURATION, 0, MS, pg.retryFor(),
                "PostgreSQL: how long an append retries a lost database before failing"));
        k.add(d("store.postgres_retry_initial_delay", pg.retryInitialDelay(),
                "PostgreSQL: the first wait before retrying a lost database (it doubles)"));
        k.add(d("store.postgres_retry_max_delay", pg.retryMaxDelay(), "PostgreSQL: the longest wait between two retries"));
        return List.copyOf(k);
    }

    private static Tunable d(String key, Duration value, String meaning) {
        return new Tunable(key, Kind.DURATION, 1, MS, value, meaning);
    }

    private static Tunable c(String key, long min, long value, String meaning) {
        return new Tunable(key, Kind.COUNT, min, INT, value, meaning);
    }
}
