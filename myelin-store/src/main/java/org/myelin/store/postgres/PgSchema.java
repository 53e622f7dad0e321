package org.myelin.store.postgres;

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
 * The schema of Myelin's tables on PostgreSQL: the migrations under {@code db/migration/postgresql}
 * mirror the SQLite ones version for version, with the same Myelin-specific history table. Flyway
 * refuses a non-empty schema without that table, so Myelin never mixes its tables into someone
 * else's; several writers starting at once are serialized by Flyway's lock.
 */
final class PgSchema {
    static final String HISTORY_TABLE = "myelin_schema_history";
    static final String LOCATION = "classpath:db/migration/postgresql";
    private static final Logger log = LoggerFactory.getLogger(PgSchema.class);

    private PgSchema() {}

    static String migrate(String where, DataSource dataSource, String schema) {
        MigrateResult result;
        try {
            result = flyway(dataSource, schema).migrate();
        } catch (FlywayException e) {
            throw new StoreException("Cannot migrate the Myelin schema " + schema + " of " + where,
                    new RuntimeException(oneLine(e)));
        }
        if (result.migrationsExecuted > 0) {
            log.info("Migrated schema {} of {} from version {} to {} ({} migrations)", schema, where,
                    result.initialSchemaVersion == null ? "none" : result.initialSchemaVersion,
                    result.targetSchemaVersion, result.migrationsExecuted);
        }
        return current(where, schema, flyway(dataSource, schema).info());
    }

    /** Checks, without writing, that the schema is Myelin's at the version this program reads. */
    static String verify(String where, DataSource dataSource, String schema) {
        MigrationInfoService info;
        try {
            info = flyway(dataSource, schema).info();
        } catch (FlywayException e) {
            throw new StoreException("Cannot read the Myelin schema version of " + where,
                    new RuntimeException(oneLine(e)));
        }
        MigrationInfo[] pending = info.pending();
        if (info.current() == null) {
            throw new StoreException("No Myelin tables in schema " + schema + " of " + where
                    + ": start a writer (myelin main) on this database first");
        }
        if (pending.length > 0) {
            throw new StoreException("The Myelin schema " + schema + " of " + where + " has version "
                    + info.current().getVersion() + " but this program needs "
                    + pending[pending.length - 1].getVersion() + "; start a writer on it first so that it migrates");
        }
        return current(where, schema, info);
    }

    private static String current(String where, String schema, MigrationInfoService info) {
        MigrationInfo current = info.current();
        if (current == null || current.getVersion() == null) {
            throw new StoreException("The Myelin schema " + schema + " of " + where + " has no version");
        }
        return current.getVersion().getVersion();
    }

    private static Flyway flyway(DataSource dataSource, String schema) {
        return Flyway.configure(PgSchema.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .loggers("slf4j")
                .load();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
