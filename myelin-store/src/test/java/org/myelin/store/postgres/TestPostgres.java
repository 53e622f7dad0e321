package org.myelin.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The machine's PostgreSQL for tests: 127.0.0.1:5432, database {@code test}, trust auth (override
 * with {@code MYELIN_TEST_PG_URL}). Each test gets a schema of its own, dropped after.
 *
 * <p>Under {@code CI=true} an unreachable database fails the test with the reason: the PostgreSQL
 * suite is never skipped in CI. Elsewhere the test is skipped with that message.
 */
public final class TestPostgres implements AutoCloseable {
    private static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static volatile String unavailable;
    private static volatile boolean probed;

    private final String schema;

    private TestPostgres(String schema) {
        this.schema = schema;
    }

    /** The JDBC URL of the test database. */
    public static String url() {
        String env = System.getenv("MYELIN_TEST_PG_URL");
        return env == null || env.isBlank() ? DEFAULT_URL : env;
    }

    /**
     * Creates a fresh schema, or fails (CI) / skips (elsewhere) the test if PostgreSQL is not there.
     */
    public static TestPostgres create() {
        requireAvailable();
        String schema = "myelin_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new AssertionError("Cannot create a test schema in " + url() + ": " + e.getMessage(), e);
        }
        return new TestPostgres(schema);
    }

    /** Skips the calling test (or fails it under CI=true) when PostgreSQL cannot be reached. */
    public static void requireAvailable() {
        if (!probed) {
            synchronized (TestPostgres.class) {
                if (!probed) {
                    try (Connection c = DriverManager.getConnection(url())) {
                        unavailable = null;
                    } catch (SQLException e) {
                        unavailable = "PostgreSQL at " + url() + " is unreachable: " + e.getMessage();
                    }
                    probed = true;
                }
            }
        }
        if (unavailable != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(unavailable + " (CI=true: the PostgreSQL tests must run, not skip;"
                        + " start PostgreSQL or set MYELIN_TEST_PG_URL)");
            }
            Assumptions.abort(unavailable + " (skipping; under CI=true this fails)");
        }
    }

    /** Whether PostgreSQL can be reached, without failing or skipping anything. */
    public static boolean available() {
        try (Connection c = DriverManager.getConnection(url())) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    public String schema() {
        return schema;
    }

    /** Store options on this schema, with short timeouts fit for tests. */
    public PostgresStoreOptions options() {
        return new PostgresStoreOptions(url(), schema, 4, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }

    /**
     * As {@link #options()}, but commits not waiting for the disk ({@code synchronous_commit=off}):
     * for tests of many small appends where durability is not what is tested.
     */
    public PostgresStoreOptions fastOptions() {
        String url = url() + (url().contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
        return new PostgresStoreOptions(url, schema, 4, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(30));
    }

    /** A plain connection to the test database with this schema on the search path. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url());
        try (Statement s = c.createStatement()) {
            s.execute("SET search_path = " + schema);
        }
        return c;
    }

    /** Drops the schema and all in it. */
    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new AssertionError("Cannot drop the test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
