package org.myelin.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.Names;
import org.myelin.store.StoreException;
import org.myelin.store.StoredRows;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.TransactionWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link StreamStore}: one SQLite file, {@code myelin.db}, in a data
 * directory.
 *
 * <p>A writer {@linkplain #open(Path) opens} the directory, creating and migrating the database as
 * needed, and appends. Workers on the same machine {@linkplain #openExisting(Path) open it
 * read-only} and catch up by reading the same file while the writer runs. The file is in WAL mode:
 * readers never block the writer nor wait for it, and see each append once it returns.
 */
public final class SqliteStreamStore implements StreamStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteStreamStore.class);

    private final Path file;
    private final String schemaVersion;
    private final HikariDataSource readPool;
    private final RowReader reader;
    /** Null when opened read-only. */
    private final RowAppender appender;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteStreamStore(Path file, String schemaVersion, HikariDataSource readPool, RowAppender appender) {
        this.file = file;
        this.schemaVersion = schemaVersion;
        this.readPool = readPool;
        this.reader = new RowReader(file, readPool);
        this.appender = appender;
    }

    /** {@link #open(Path, SqliteStoreOptions)} with {@linkplain SqliteStoreOptions#defaults() defaults}. */
    public static SqliteStreamStore open(Path dataDir) {
        return open(dataDir, SqliteStoreOptions.defaults());
    }

    /**
     * Opens the store of a writer: creates {@code dataDir} and {@code dataDir/myelin.db} when missing,
     * migrates the schema to the latest version, and continues from the tokens persisted there.
     *
     * @throws StoreException if the directory or file cannot be created or written, or the file is
     *     not a Myelin database, or the migration fails; the message names the path
     */
    public static SqliteStreamStore open(Path dataDir, SqliteStoreOptions options) {
        Path file = databaseFile(dataDir);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreException("Cannot create the data directory " + file.getParent(), e);
        }
        if (!Files.isWritable(file.getParent())) {
            throw new StoreException("The data directory " + file.getParent() + " is not writable");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new StoreException("The database " + file + " is not writable");
        }
        // Check and migrate before the writer's connection exists: that connection switches the file
        // to WAL, which must not happen to a file that turns out to be someone else's database.
        String version = Schema.migrate(file, SqliteFiles.migrator(file, options));
        Connection writer;
        try {
            writer = SqliteFiles.openWriter(file, options);
        } catch (SQLException e) {
            throw openFailure(file, e);
        }
        HikariDataSource pool = null;
        try {
            RowAppender appender = new RowAppender(file, writer);
            pool = readPool(file, options);
            log.info("Opened Myelin store {} for writing (schema version {})", file, version);
            return new SqliteStreamStore(file, version, pool, appender);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(writer, e);
            if (pool != null) {
                pool.close();
            }
            throw e instanceof SQLException s ? openFailure(file, s) : (RuntimeException) e;
        }
    }

    /** {@link #openExisting(Path, SqliteStoreOptions)} with {@linkplain SqliteStoreOptions#defaults() defaults}. */
    public static SqliteStreamStore openExisting(Path dataDir) {
        return openExisting(dataDir, SqliteStoreOptions.defaults());
    }

    /**
     * Opens, read-only, the store a writer keeps in {@code dataDir}, for a worker that catches up by
     * reading the same file. Never creates nor migrates anything; {@link #append} fails.
     *
     * @throws StoreException if there is no database there, it is not a Myelin database, or its
     *     schema is not the one this program reads; the message names the path
     */
    public static SqliteStreamStore openExisting(Path dataDir, SqliteStoreOptions options) {
        Path file = databaseFile(dataDir);
        if (!Files.isRegularFile(file)) {
            throw new StoreException("No Myelin database at " + file
                    + ": start the writer with this data directory first (openExisting never creates one)");
        }
        String version = Schema.verify(file, SqliteFiles.readers(file, options));
        HikariDataSource pool = readPool(file, options);
        log.info("Opened Myelin store {} read-only (schema version {})", file, version);
        return new SqliteStreamStore(file, version, pool, null);
    }

    private static Path databaseFile(Path dataDir) {
        if (dataDir == null) {
            throw new IllegalArgumentException("dataDir must not be null");
        }
        return dataDir.toAbsolutePath().normalize().resolve(SqliteFiles.DATABASE_FILE);
    }

    private static HikariDataSource readPool(Path file, SqliteStoreOptions options) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(SqliteFiles.readers(file, options));
        config.setPoolName("myelin-store-read");
        config.setMaximumPoolSize(options.readConnections());
        config.setMinimumIdle(1);
        // Matches the connections' own read-only flag, which SQLite fixes when it opens the file.
        config.setReadOnly(true);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Cannot open read connections to " + file, e);
        }
    }

    private static StoreException openFailure(Path file, SQLException e) {
        if (SqliteFiles.isNotADatabase(e)) {
            return new StoreException(file + " is not a SQLite database", e);
        }
        return new StoreException("Cannot open the database " + file, e);
    }

    private static void closeQuietly(Connection c, Exception cause) {
        try {
            c.close();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** The database file, {@code myelin.db} in the data directory, as an absolute path. */
    public Path file() {
        return file;
    }

    /** The schema version found or migrated to at open. */
    public String schemaVersion() {
        return schemaVersion;
    }

    /**
     * The {@code client_ips} table, where {@code USER_IP} reports are stored (through a
     * {@link org.myelin.core.clientip.UserIpRecorder}, which throttles them).
     *
     * @throws IllegalStateException if this store was opened read-only
     */
    public org.myelin.core.clientip.ClientIpStore clientIps() {
        if (appender == null) {
            throw new IllegalStateException("The store " + file + " was opened read-only (openExisting)");
        }
        return new SqliteClientIps(appender, readPool);
    }

    /** The client IPs stored for a user, latest first. */
    public List<org.myelin.core.clientip.ClientIp> clientIps(String userId) {
        ensureOpen();
        return new SqliteClientIps(appender, readPool).of(userId);
    }

    /** Whether this store may append: opened with {@link #open}, not {@link #openExisting}. */
    public boolean writable() {
        return appender != null;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException also if this store was opened with {@link #openExisting}
     */
    @Override
    public List<Long> append(String stream, String instance, List<RawJson> rows, boolean sameToken) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        ensureOpen();
        if (appender == null) {
            throw new IllegalStateException("The store " + file + " was opened read-only (openExisting)");
        }
        // Checked and canonicalised before the transaction: a bad row fails the call without using a
        // token, and text that only looks compact (["a",) never reaches readers as a poison row.
        List<String> texts = StoredRows.canonical(rows);
        if (texts.isEmpty()) {
            return List.of();
        }
        return appender.append(stream, instance, texts, sameToken);
    }

    /**
     * Runs the caller's JDBC {@code work} and appends the rows it returns, all in one transaction on
     * the writer's connection: the data change and, say, the {@code caches} rows invalidating it
     * commit together or not at all. Rows get tokens as in {@link #append}; the caller streams them
     * afterwards (poke the engine) as after any append.
     *
     * @return the token of each returned row, in order (empty if the work returned no rows)
     * @throws IllegalArgumentException if a name is empty or a returned row is not valid JSON
     * @throws IllegalStateException if the store is closed or read-only
     * @throws StoreException if the work or the append failed with an SQL error; nothing was written
     */
    @Override
    public List<Long> appendInTransaction(String stream, String instance, boolean sameToken, TransactionWork work) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        if (work == null) {
            throw new IllegalArgumentException("work must not be null");
        }
        ensureOpen();
        if (appender == null) {
            throw new IllegalStateException("The store " + file + " was opened read-only (openExisting)");
        }
        return appender.appendWith(stream, instance, work, sameToken);
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

    @Override
    public UpdateBatch getUpdates(String stream, String instance, long fromToken, long uptoToken, int limit) {
        Names.require("stream", stream);
        Names.require("instance", instance);
        ensureOpen();
        return reader.getUpdates(stream, instance, fromToken, uptoToken, limit);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The store " + file + " is closed");
        }
    }

    /** Closes the read pool, then (after any append in progress) the writer's connection. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        readPool.close();
        if (appender != null) {
            appender.close();
        }
        log.info("Closed Myelin store {}", file);
    }

    @Override
    public String toString() {
        return "SqliteStreamStore[" + file + (writable() ? "" : ", read-only") + "]";
    }
}
