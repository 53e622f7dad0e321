package org.myelin.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.clientip.ClientIpStore;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.Names;
import org.myelin.store.StoreException;
import org.myelin.store.StreamPosition;
import org.myelin.store.StoredRows;
import org.myelin.store.StreamStore;
import org.myelin.store.TransactionWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StreamStore} on a PostgreSQL database shared by several writer processes and read by
 * workers on any machine.
 *
 * <p>Tokens come from a sequence per stream shared by all its writers (a PostgreSQL sequence,
 * outside the append's transaction), so no token is ever handed out twice, even across
 * processes, crashes and rolled-back appends; a writer's tokens still only grow. Each writer's
 * position in {@code stream_positions} is its "persisted up to" point: every token of that writer
 * up to it is committed or abandoned for good, so a reader caught up to it never waits on a gap.
 * A writer killed mid-append leaves a gap of unused tokens that its restart steps over.
 *
 * <p>An append that loses the database retries, with backoff, for {@link
 * PostgresStoreOptions#retryFor()}: it either returns tokens whose rows are committed or throws.
 * (When the connection broke during the commit itself, the retry first looks whether the rows are
 * there: tokens are unique, so the rows say whether that commit happened.)
 *
 * <p>One store serves one instance name per stream: two live processes must not write under the
 * same instance name, as in Synapse.
 */
public final class PostgresStreamStore implements StreamStore {
    private static final Logger log = LoggerFactory.getLogger(PostgresStreamStore.class);
    private static final String INSERT_ROW =
            "INSERT INTO stream_rows (stream, instance, token, seq, row_json) VALUES (?, ?, ?, ?, ?)";
    private static final String WRITE_POSITION = "INSERT INTO stream_positions (stream, instance, token)"
            + " VALUES (?, ?, ?) ON CONFLICT (stream, instance)"
            + " DO UPDATE SET token = GREATEST(stream_positions.token, excluded.token)";

    private final PostgresStoreOptions options;
    private final String where;
    private final String schemaVersion;
    private final HikariDataSource pool;
    private final boolean writable;
    private final PgReader reader;
    private final Map<String, WriterTokens> writers = new ConcurrentHashMap<>();
    /** Stream name to its token sequence, once known to exist. */
    private final Map<String, String> sequences = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostgresStreamStore(PostgresStoreOptions options, String where, String version, HikariDataSource pool,
            boolean writable) {
        this.options = options;
        this.where = where;
        this.schemaVersion = version;
        this.pool = pool;
        this.writable = writable;
        this.reader = new PgReader(where, pool);
    }

    /**
     * Opens the store of a writer: creates the schema and migrates it to the latest version.
     *
     * @throws StoreException if the database cannot be reached (a one-line message naming it and
     *     the reason, such as "Connection refused"), or the schema is not Myelin's, or migrating fails
     */
    public static PostgresStreamStore open(PostgresStoreOptions options) {
        String where = PostgresUrls.describe(options.jdbcUrl());
        HikariDataSource pool = pool(options, where);
        try {
            String version = PgSchema.migrate(where, pool, options.schema());
            log.info("Opened Myelin store on {} (schema {}, version {}) for writing", where, options.schema(), version);
            return new PostgresStreamStore(options, where, version, pool, true);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * Opens the store for a reader (a worker catching up): never creates nor migrates anything;
     * {@link #append} fails.
     *
     * @throws StoreException if the database cannot be reached or holds no Myelin schema at the
     *     version this program reads
     */
    public static PostgresStreamStore openExisting(PostgresStoreOptions options) {
        String where = PostgresUrls.describe(options.jdbcUrl());
        HikariDataSource pool = pool(options, where);
        try {
            String version = PgSchema.verify(where, pool, options.schema());
            log.info("Opened Myelin store on {} (schema {}, version {}) read-only", where, options.schema(), version);
            return new PostgresStreamStore(options, where, version, pool, false);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static HikariDataSource pool(PostgresStoreOptions options, String where) {
        probe(options, where);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.jdbcUrl());
        config.setPoolName("myelin-pg");
        config.setMaximumPoolSize(options.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, options.connectTimeout().toMillis()));
        // Fail the start at once, with the reason, rather than a pool that never fills.
        config.setInitializationFailTimeout(Math.max(1, options.connectTimeout().toMillis()));
        long statementMs = options.statementTimeout().toMillis();
        config.addDataSourceProperty("connectTimeout", Math.max(1, options.connectTimeout().toSeconds()));
        // A partitioned network must not hang a read forever: a bit longer than any statement.
        config.addDataSourceProperty("socketTimeout", statementMs / 1000 + 15);
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "myelin");
        // Every connection: its statements bounded, a transaction left idle (a stopped writer)
        // aborted instead of holding its locks, and Myelin's schema first on the search path.
        config.setConnectionInitSql("SET statement_timeout = " + statementMs
                + "; SET idle_in_transaction_session_timeout = " + Math.max(60_000, statementMs * 2)
                + "; SET search_path = " + options.schema() + ", public");
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Cannot connect to " + where + ": " + firstSqlMessage(e));
        }
    }

    /**
     * Connects once, plainly, before the pool exists: an unreachable database is then one clear
     * line naming it and the driver's reason, instead of the pool's logged stack trace.
     */
    private static void probe(PostgresStoreOptions options, String where) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("connectTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
        props.setProperty("loginTimeout", Long.toString(Math.max(1, options.connectTimeout().toSeconds())));
        try (Connection c = new org.postgresql.Driver().connect(options.jdbcUrl(), props)) {
            if (c == null) {
                throw new StoreException("Not a PostgreSQL URL: " + PostgresUrls.redact(options.jdbcUrl()));
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot connect to " + where + ": " + firstSqlMessage(e));
        }
    }

    /** The message of the first SQL error in the chain, on one line: the driver's own words. */
    static String firstSqlMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                return t.getMessage().strip().replaceAll("\\s*\\n\\s*", " ");
            }
        }
        return Failures.rootMessage(e);
    }

    /** The schema version found or migrated to at open. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /** Whether this store may append: opened with {@link #open}, not {@link #openExisting}. */
    public boolean writable() {
        return writable;
    }

    /** The options this store was opened with. */
    public PostgresStoreOptions options() {
        return options;
    }

    @Override
    public List<Long> append(String stream, String instance, List<RawJson> rows, boolean sameToken) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        ensureWritable();
        List<String> texts = StoredRows.canonical(rows);
        if (texts.isEmpty()) {
            return List.of();
        }
        return new Append(stream, instance, texts, sameToken).run();
    }

    /**
     * Runs the caller's JDBC {@code work} and appends the rows it returns, in one transaction: as
     * {@code SqliteStreamStore.appendInTransaction}. Other appends do not wait for it here. Not
     * retried (the work is the caller's to redo); a lost connection throws.
     *
     * @return the token of each returned row, in order (empty if the work returned no rows)
     * @throws StoreException if the work or the append failed; nothing was written
     */
    public List<Long> appendInTransaction(String stream, String instance, boolean sameToken, TransactionWork work) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        if (work == null) {
            throw new IllegalArgumentException("work must not be null");
        }
        ensureWritable();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            Append append = null;
            try {
                List<String> texts = StoredRows.canonical(work.run(c));
                if (texts.isEmpty()) {
                    c.commit();
                    return List.of();
                }
                append = new Append(stream, instance, texts, sameToken);
                append.take();
                append.insert(c);
                c.commit();
                append.finish(true);
                return append.tokens;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                if (append != null && append.tokens != null) {
                    append.finish(false);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot run a transaction appending to stream " + stream
                    + " (instance " + instance + ") in " + where, e);
        }
    }

    /** One append: its tokens, taken once, and its transaction, tried until it commits or the budget ends. */
    private final class Append {
        final String stream;
        final String instance;
        final List<String> texts;
        final boolean sameToken;
        final WriterTokens writer;
        List<Long> tokens;

        Append(String stream, String instance, List<String> texts, boolean sameToken) {
            this.stream = stream;
            this.instance = instance;
            this.texts = texts;
            this.sameToken = sameToken;
            this.writer = writers.computeIfAbsent(stream + '\u0000' + instance, k -> new WriterTokens());
        }

        List<Long> run() {
            Retry retry = new Retry(options);
            while (true) {
                try {
                    take();
                    break;
                } catch (SQLException e) {
                    retry.after(e, "take tokens for stream " + stream + " in " + where);
                }
            }
            boolean maybeCommitted = false;
            while (true) {
                try (Connection c = pool.getConnection()) {
                    if (maybeCommitted && committed(c)) {
                        break;
                    }
                    c.setAutoCommit(false);
                    try {
                        insert(c);
                        maybeCommitted = true;
                        c.commit();
                        break;
                    } catch (SQLException | RuntimeException e) {
                        try {
                            c.rollback();
                        } catch (SQLException again) {
                            e.addSuppressed(again);
                        }
                        throw e;
                    }
                } catch (SQLException e) {
                    try {
                        retry.after(e, "append " + texts.size() + " rows to stream " + stream
                                + " (instance " + instance + ") in " + where);
                    } catch (RuntimeException failed) {
                        finish(false);
                        throw failed;
                    }
                } catch (RuntimeException e) {
                    finish(false);
                    throw e;
                }
            }
            finish(true);
            return tokens;
        }

        /**
         * Takes this append's tokens from the stream's shared sequence, in a statement of its own.
         * Under the writer's monitor, so that no other append of this writer can take later tokens
         * and count them persisted before these are known to be unfinished.
         */
        void take() throws SQLException {
            if (tokens != null) {
                return;
            }
            int count = sameToken ? 1 : texts.size();
            synchronized (writer) {
                try (Connection c = pool.getConnection()) {
                    if (!writer.loaded()) {
                        register(c);
                        writer.load(persisted(c));
                    }
                    // nextval is never rolled back and needs no commit of its own (no disk flush):
                    // another writer's values may fall between these, so they are sorted, not assumed.
                    long[] taken = new long[count];
                    try (PreparedStatement s = c.prepareStatement(
                            "SELECT nextval(?::regclass) FROM generate_series(1, ?)")) {
                        s.setString(1, sequence(c));
                        s.setInt(2, count);
                        try (ResultSet rs = s.executeQuery()) {
                            for (int i = 0; i < count; i++) {
                                rs.next();
                                taken[i] = rs.getLong(1);
                            }
                        }
                    }
                    java.util.Arrays.sort(taken);
                    writer.taken(taken[0], taken[count - 1]);
                    List<Long> out = new ArrayList<>(texts.size());
                    for (int i = 0; i < texts.size(); i++) {
                        out.add(sameToken ? taken[0] : taken[i]);
                    }
                    tokens = out;
                }
            }
        }

        /**
         * Makes a writer new to the stream known to readers before it takes its first token, at
         * the stream's last token so far (all its tokens will be above that, so none is pending
         * below it): the stream's safe position, the least over its writers, then never goes back
         * when a writer joins. A writer that wrote before keeps its row.
         */
        private void register(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO stream_positions (stream, instance, token)"
                    + " SELECT ?, ?, CASE WHEN is_called THEN last_value ELSE 0 END FROM " + sequence(c)
                    + " ON CONFLICT (stream, instance) DO NOTHING")) {
                s.setString(1, stream);
                s.setString(2, instance);
                s.executeUpdate();
            }
        }

        /**
         * The stream's token sequence (Synapse's per-stream sequence), created on the stream's first
         * write by any writer: {@code <schema>.myelin_tokens_<hash of the stream name>}, since stream
         * names may be longer than PostgreSQL's 63-byte identifiers and hold characters they cannot.
         */
        private String sequence(Connection c) throws SQLException {
            String name = sequences.get(stream);
            if (name != null) {
                return name;
            }
            name = options.schema() + ".myelin_tokens_" + hash(stream);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SEQUENCE IF NOT EXISTS " + name + " AS BIGINT MINVALUE 1 START 1 CACHE 1");
            } catch (SQLException e) {
                // Two writers creating it at once: one wins, the other's duplicate-key error means it is there.
                if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                    throw e;
                }
            }
            sequences.put(stream, name);
            return name;
        }

        /**
         * Where this writer got to before this store: its positions row, or its last committed row
         * if that is further (a writer that died between a commit and the position update after it).
         */
        private long persisted(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT GREATEST("
                    + "(SELECT token FROM stream_positions WHERE stream = ? AND instance = ?),"
                    + "(SELECT max(token) FROM stream_rows WHERE stream = ? AND instance = ?), 0)")) {
                s.setString(1, stream);
                s.setString(2, instance);
                s.setString(3, stream);
                s.setString(4, instance);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }

        /**
         * Inserts the rows, in the caller's transaction. The writer's position is not written
         * here: one row per writer, locked until commit, would make a writer's appends wait for
         * each other's disk flushes; {@link #finish} advances it once the rows are committed.
         */
        void insert(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(INSERT_ROW)) {
                for (int i = 0; i < texts.size(); i++) {
                    s.setString(1, stream);
                    s.setString(2, instance);
                    s.setLong(3, tokens.get(i));
                    s.setInt(4, sameToken ? i : 0);
                    s.setString(5, texts.get(i));
                    s.addBatch();
                }
                s.executeBatch();
            }
        }

        private void writePosition(Connection c, long position) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(WRITE_POSITION)) {
                s.setString(1, stream);
                s.setString(2, instance);
                s.setLong(3, position);
                s.executeUpdate();
            }
        }

        private boolean committed(Connection c) throws SQLException {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM stream_rows WHERE stream = ? AND instance = ? AND token = ? LIMIT 1")) {
                s.setString(1, stream);
                s.setString(2, instance);
                s.setLong(3, tokens.get(0));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        }

        /**
         * Marks the tokens finished and advances the writer's position to where all its appends
         * are committed or abandoned, before returning: a reader asking after this append returns
         * finds the position at least at its tokens (unless an older append is still running).
         * One thread of the writer writes at a time, for every append finished meanwhile; the
         * others wait for it. The write does not wait for the disk ({@code synchronous_commit
         * off}): rows are durable on their own, and a position lost to a database crash is
         * recomputed from them when the writer next starts (see {@link #persisted}).
         */
        void finish(boolean committed) {
            long target;
            synchronized (writer) {
                writer.finished(tokens.get(0));
                while (true) {
                    target = writer.persistedUpTo();
                    if (target <= writer.written()) {
                        return;
                    }
                    if (!writer.writing) {
                        writer.writing = true;
                        break;
                    }
                    try {
                        writer.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            boolean wrote = false;
            try {
                Retry retry = new Retry(options);
                while (!wrote) {
                    try (Connection c = pool.getConnection()) {
                        c.setAutoCommit(false);
                        execute(c, "SET LOCAL synchronous_commit = off");
                        writePosition(c, target);
                        c.commit();
                        wrote = true;
                    } catch (SQLException e) {
                        retry.after(e, "advance the position of " + stream + "/" + instance + " to " + target);
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Could not advance the position of {}/{} to {} in {} (the next append will): {}",
                        stream, instance, target, where, e.getMessage());
            } finally {
                synchronized (writer) {
                    if (wrote) {
                        writer.wrote(target);
                    }
                    writer.writing = false;
                    writer.notifyAll();
                }
            }
        }
    }

    /** Backoff between tries of one operation, within a time budget. */
    private static final class Retry {
        private final long deadline;
        private final long maxDelayMs;
        private long delayMs;
        private int tries;

        Retry(PostgresStoreOptions options) {
            this.deadline = System.nanoTime() + options.retryFor().toNanos();
            this.delayMs = options.retryInitialDelay().toMillis();
            this.maxDelayMs = options.retryMaxDelay().toMillis();
        }

        /** Sleeps before the next try, or throws if {@code e} is not worth retrying or time is up. */
        void after(SQLException e, String what) {
            tries++;
            if (!Failures.retryable(e)) {
                throw new StoreException("Cannot " + what, e);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new StoreException("Cannot " + what + " after " + tries + " tries", e);
            }
            log.warn("Database unavailable ({}); retrying in {} ms: {}", firstSqlMessage(e), Math.min(delayMs, left), what);
            try {
                Thread.sleep(Math.min(delayMs, left));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new StoreException("Interrupted while retrying to " + what, e);
            }
            delayMs = Math.min(delayMs * 2, maxDelayMs);
        }
    }


    /**
     * {@inheritDoc}
     *
     * <p>Here: the position last written for this writer by this store, which an append writes
     * before it returns, up to just below the oldest append of this writer still in flight.
     */
    @Override
    public long persistedUpTo(String stream, String instance, long lastAppended) {
        WriterTokens writer = writers.get(stream + '\u0000' + instance);
        if (writer == null) {
            return 0;
        }
        synchronized (writer) {
            return writer.written();
        }
    }

    @Override
    public boolean writersShareTokens() {
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One query finds the streams where another writer got further; each of those then moves
     * under the writer's monitor, so that no append of this store can take a token in between (a
     * token taken before the move but committed after it would fall below the new position).
     */
    @Override
    public Map<String, Long> advanceIdle(String instance, java.util.Collection<String> streams) {
        Names.require("instance", instance);
        ensureWritable();
        Map<String, Long> moved = new java.util.TreeMap<>();
        List<String> behind = new ArrayList<>();
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT p.stream FROM stream_positions p"
                        + " JOIN (SELECT stream, max(token) AS top FROM stream_positions GROUP BY stream) m"
                        + " ON m.stream = p.stream WHERE p.instance = ? AND p.token < m.top")) {
            s.setString(1, instance);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (streams.contains(rs.getString(1))) {
                        behind.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot read the stream positions in " + where, e);
        }
        for (String stream : behind) {
            WriterTokens writer = writers.computeIfAbsent(stream + '\u0000' + instance, k -> new WriterTokens());
            synchronized (writer) {
                if (!writer.idle()) {
                    continue; // an append in flight will move it, or the next round
                }
                try (Connection c = pool.getConnection();
                        PreparedStatement s = c.prepareStatement("UPDATE stream_positions p SET token = m.top"
                                + " FROM (SELECT max(token) AS top FROM stream_positions WHERE stream = ?) m"
                                + " WHERE p.stream = ? AND p.instance = ? AND p.token < m.top RETURNING p.token")) {
                    s.setString(1, stream);
                    s.setString(2, stream);
                    s.setString(3, instance);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            long to = rs.getLong(1);
                            if (writer.loaded()) {
                                writer.advancedIdle(to);
                            }
                            moved.put(stream, to);
                        }
                    }
                } catch (SQLException e) {
                    throw new StoreException("Cannot advance the idle position of " + stream + "/" + instance
                            + " in " + where, e);
                }
            }
        }
        return moved;
    }

    @Override
    public long currentToken(String stream, String instance) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        ensureOpen();
        return reader.currentToken(stream, instance);
    }

    @Override
    public List<StreamPosition> positions() {
        ensureOpen();
        return reader.positions();
    }

    /**
     * The stream's safe position: the least position over its writers. No row of any writer can
     * still appear at or below it (each writer's rows up to its position are committed), so a
     * reader that has every writer's rows up to it has the whole stream up to it. 0 for a stream
     * never written.
     *
     * @throws StoreException if the database cannot be read
     */
    public long safePosition(String stream) {
        Names.require("stream", stream);
        ensureOpen();
        return reader.safePosition(stream);
    }

    @Override
    public UpdateBatch getUpdates(String stream, String instance, long fromToken, long uptoToken, int limit) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        ensureOpen();
        return reader.getUpdates(stream, instance, fromToken, uptoToken, limit);
    }

    /**
     * The {@code client_ips} table, where {@code USER_IP} reports are stored.
     *
     * @throws IllegalStateException if this store was opened read-only
     */
    public ClientIpStore clientIps() {
        ensureWritable();
        return new PgClientIps(where, pool);
    }

    /** The client IPs stored for a user, latest first. */
    public List<ClientIp> clientIps(String userId) {
        ensureOpen();
        return new PgClientIps(where, pool).of(userId);
    }

    private void ensureWritable() {
        ensureOpen();
        if (!writable) {
            throw new IllegalStateException("The store on " + where + " was opened read-only (openExisting)");
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The store on " + where + " is closed");
        }
    }

    /** Closes the pool, waiting for connections in use. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pool.close();
        log.info("Closed Myelin store on {}", where);
    }

    @Override
    public String toString() {
        return "PostgresStreamStore[" + where + ", schema " + options.schema() + (writable ? "" : ", read-only") + "]";
    }

    /** A stable, identifier-safe digest of a stream name. */
    static String hash(String stream) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    stream.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
