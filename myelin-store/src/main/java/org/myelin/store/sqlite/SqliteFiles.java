package org.myelin.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;
import java.nio.file.Path;

/** How Myelin opens its SQLite file: the pragmas of the writer and of the readers. */
final class SqliteFiles {
    /** The database's file name inside the data directory. */
    static final String DATABASE_FILE = "myelin.db";

    private SqliteFiles() {}

    static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /**
     * The writer's connection: WAL so readers never block it nor it them (the mode is stored in the
     * file, so setting it once here covers every later reader too).
     */
    static Connection openWriter(Path file, SqliteStoreOptions options) throws SQLException {
        SQLiteConfig config = common(options);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(options.durableCommits()
                ? SQLiteConfig.SynchronousMode.FULL
                : SQLiteConfig.SynchronousMode.NORMAL);
        return config.createConnection(url(file));
    }

    /**
     * Connections for readers: read-only, and never creating the file, so that a reader pointed at
     * the wrong directory fails instead of leaving an empty database behind.
     */
    static SQLiteDataSource readers(Path file, SqliteStoreOptions options) {
        SQLiteConfig config = common(options);
        config.setReadOnly(true);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url(file));
        return dataSource;
    }

    /**
     * Connections for checking and migrating the schema: they may create the file but set no
     * persistent pragma, so a file refused as foreign is left exactly as it was.
     */
    static SQLiteDataSource migrator(Path file, SqliteStoreOptions options) {
        SQLiteConfig config = common(options);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(url(file));
        return dataSource;
    }

    private static SQLiteConfig common(SqliteStoreOptions options) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) options.busyTimeout().toMillis());
        return config;
    }

    /** Whether SQLite said the file is not a database at all (garbage, encrypted, truncated). */
    static boolean isNotADatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException s
                    && (s.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB
                            || s.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
                return true;
            }
        }
        return false;
    }
}
