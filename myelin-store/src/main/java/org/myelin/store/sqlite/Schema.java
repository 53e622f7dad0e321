package org.myelin.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.myelin.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema of a Myelin SQLite file: recognising one, migrating a writer's, checking a reader's.
 *
 * <p>The migrations live under {@code db/migration/sqlite} so that another database's set can sit
 * beside them. Flyway's history table has a Myelin-specific name, which is also how a Myelin
 * database is told from any other SQLite file.
 */
final class Schema {
    static final String HISTORY_TABLE = "myelin_schema_history";
    static final String LOCATION = "classpath:db/migration/sqlite";

    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    private Schema() {}

    /**
     * Brings the file to the latest schema; the file must be empty or already a Myelin database.
     *
     * @return the schema version now in the file
     */
    static String migrate(Path file, DataSource dataSource) {
        requireMyelinDatabase(file, dataSource, true);
        MigrateResult result;
        try {
            result = flyway(dataSource).migrate();
        } catch (FlywayException e) {
            throw new StoreException("Cannot migrate the Myelin database " + file, e);
        }
        if (result.migrationsExecuted > 0) {
            log.info("Migrated {} from schema version {} to {} ({} migrations)",
                    file,
                    result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                    result.targetSchemaVersion,
                    result.migrationsExecuted);
        }
        return current(file, flyway(dataSource).info());
    }

    /**
     * Checks, without writing, that the file is a Myelin database at the latest schema. A reader
     * must not migrate: the writer owns the schema, and a reader running older code than the file
     * (or newer) should say so rather than misread it.
     *
     * @return the schema version in the file
     */
    static String verify(Path file, DataSource dataSource) {
        requireMyelinDatabase(file, dataSource, false);
        MigrationInfoService info;
        try {
            info = flyway(dataSource).info();
        } catch (FlywayException e) {
            throw new StoreException("Cannot read the schema version of the Myelin database " + file, e);
        }
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            MigrationInfo current = info.current();
            throw new StoreException("The Myelin database " + file + " has schema version "
                    + (current == null ? "none" : current.getVersion())
                    + " but this program needs " + pending[pending.length - 1].getVersion()
                    + "; start the writer on it first so that it migrates");
        }
        String version = current(file, info);
        for (MigrationInfo applied : info.applied()) {
            if (applied.getState().isFailed()) {
                throw new StoreException("The Myelin database " + file + " has a failed migration "
                        + applied.getVersion() + "; start the writer on it to repair it");
            }
        }
        return version;
    }

    private static String current(Path file, MigrationInfoService info) {
        MigrationInfo current = info.current();
        if (current == null || current.getVersion() == null) {
            throw new StoreException("The Myelin database " + file + " has no schema version");
        }
        return current.getVersion().getVersion();
    }

    private static Flyway flyway(DataSource dataSource) {
        return Flyway.configure(Schema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .loggers("slf4j")
                .load();
    }

    /**
     * Refuses files that are not SQLite at all, and SQLite files that hold tables but no Myelin
     * history table (someone else's database: migrating it would mix our tables into theirs).
     */
    private static void requireMyelinDatabase(Path file, DataSource dataSource, boolean emptyIsFine) {
        List<String> tables = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            if (SqliteFiles.isNotADatabase(e)) {
                throw new StoreException(file + " is not a SQLite database", e);
            }
            throw new StoreException("Cannot read the database " + file, e);
        }
        if (tables.contains(HISTORY_TABLE) || (emptyIsFine && tables.isEmpty())) {
            return;
        }
        throw new StoreException(file + " is not a Myelin database (no " + HISTORY_TABLE + " table"
                + (tables.isEmpty() ? ", no tables at all" : "; it holds " + String.join(", ", tables)) + ")");
    }
}
