package org.myelin.server.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A schema of its own on the machine's PostgreSQL (127.0.0.1:5432, database {@code test}, trust
 * auth; {@code MYELIN_TEST_PG_URL} overrides), dropped by {@link #close()}. PostgreSQL unreachable:
 * the test fails under {@code CI=true} (saying PostgreSQL is needed) and is skipped elsewhere.
 */
final class TestDatabase implements AutoCloseable {
    static final String BASE_URL = System.getenv().getOrDefault("MYELIN_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");

    private final String schema;

    private TestDatabase(String schema) {
        this.schema = schema;
    }

    /** Creates the schema, or fails (CI) / skips the calling test when PostgreSQL cannot be reached. */
    static TestDatabase create(String prefix) {
        String schema = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            String why = "PostgreSQL at " + BASE_URL + " is unreachable: " + e.getMessage();
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(why + " (CI=true: the PostgreSQL tests need it and must not skip;"
                        + " start PostgreSQL or set MYELIN_TEST_PG_URL)", e);
            }
            Assumptions.abort(why + " (skipping; under CI=true this fails)");
        }
        return new TestDatabase(schema);
    }

    String schema() {
        return schema;
    }

    /** The JDBC URL of the schema, for {@code --database}. */
    String url() {
        return BASE_URL + (BASE_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(BASE_URL); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
