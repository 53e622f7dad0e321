package org.myelin.store;

import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.myelin.core.clientip.ClientIpStore;
import org.myelin.store.postgres.PostgresStoreOptions;
import org.myelin.store.postgres.PostgresStreamStore;
import org.myelin.store.postgres.PostgresUrls;
import org.myelin.store.sqlite.SqliteStoreOptions;
import org.myelin.store.sqlite.SqliteStreamStore;

/**
 * Opens the store a {@code --database URL} or a data directory names: PostgreSQL for a
 * {@code jdbc:postgresql://} URL or a {@code postgresql://} URI, else the SQLite file in the data
 * directory (the default).
 */
public final class Stores {
    private Stores() {}

    /**
     * A writer's store: PostgreSQL when {@code database} is given, else SQLite in {@code dataDir}.
     *
     * @throws IllegalArgumentException if {@code database} is not a PostgreSQL URL
     * @throws StoreException if the database cannot be opened (a one-line reason)
     */
    public static StreamStore openWriter(String database, Path dataDir) {
        return openWriter(database, dataDir, SqliteStoreOptions.defaults(), UnaryOperator.identity());
    }

    /**
     * As {@link #openWriter(String, Path)}, tuned: {@code sqlite} for the SQLite store, {@code postgres}
     * turning the URL's default options into the ones to use (pool size, timeouts).
     */
    public static StreamStore openWriter(String database, Path dataDir, SqliteStoreOptions sqlite,
            UnaryOperator<PostgresStoreOptions> postgres) {
        if (database != null) {
            return PostgresStreamStore.open(postgres.apply(PostgresStoreOptions.of(requirePostgres(database))));
        }
        return SqliteStreamStore.open(dataDir, sqlite);
    }

    /**
     * A reader's store (a worker catching up), never creating anything: PostgreSQL when {@code
     * database} is given, else the SQLite file in {@code dataDir}.
     */
    public static StreamStore openReader(String database, Path dataDir) {
        return openReader(database, dataDir, SqliteStoreOptions.defaults(), UnaryOperator.identity());
    }

    /** As {@link #openReader(String, Path)}, tuned as {@link #openWriter(String, Path, SqliteStoreOptions, UnaryOperator)}. */
    public static StreamStore openReader(String database, Path dataDir, SqliteStoreOptions sqlite,
            UnaryOperator<PostgresStoreOptions> postgres) {
        if (database != null) {
            return PostgresStreamStore.openExisting(postgres.apply(PostgresStoreOptions.of(requirePostgres(database))));
        }
        return SqliteStreamStore.openExisting(dataDir, sqlite);
    }

    /**
     * The {@code client_ips} table of a writer's store opened here.
     *
     * @throws IllegalArgumentException if the store is of another kind
     */
    public static ClientIpStore clientIps(StreamStore store) {
        if (store instanceof SqliteStreamStore sqlite) {
            return sqlite.clientIps();
        }
        if (store instanceof PostgresStreamStore postgres) {
            return postgres.clientIps();
        }
        throw new IllegalArgumentException("no client_ips table in " + store);
    }

    /** What to call the store in a log line: the SQLite file or the PostgreSQL database, no password. */
    public static String describe(String database, Path dataDir) {
        return database != null ? PostgresUrls.redact(database) : dataDir.toAbsolutePath().toString();
    }

    private static String requirePostgres(String database) {
        if (!PostgresUrls.isPostgres(database)) {
            throw new IllegalArgumentException("--database takes a PostgreSQL URL (jdbc:postgresql://host:port/db"
                    + "?user=... or postgresql://user@host:port/db), got " + PostgresUrls.redact(database));
        }
        return database;
    }
}
