package org.myelin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;

/** A caller's data change and its caches rows commit together on a real SQLite file, or not at all. */
class TransactionalAppendTest {
    @TempDir
    Path dir;

    private static void createProfiles(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS profiles (user_id TEXT PRIMARY KEY, name TEXT, version INTEGER)");
        }
    }

    private static void setName(Connection c, String user, String name, long version) throws SQLException {
        createProfiles(c);
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO profiles VALUES (?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name,"
                        + " version = excluded.version")) {
            p.setString(1, user);
            p.setString(2, name);
            p.setLong(3, version);
            p.executeUpdate();
        }
    }

    private static RawJson invalidation(String user) {
        return RawJson.of("[\"get_profile\",[\"" + user + "\"],1700000000000]");
    }

    private Connection reader(SqliteStreamStore store) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + store.file());
    }

    private static String name(Connection c, String user) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT name FROM profiles WHERE user_id = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void theChangeAndItsRowsCommitTogether() throws Exception {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            List<Long> tokens = store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "Alice", 1);
                return List.of(invalidation("@a:x"), invalidation("@b:x"));
            });
            assertThat(tokens).containsExactly(1L, 2L);
            assertThat(store.appendInTransaction("caches", "master", true,
                    c -> List.of(invalidation("@a:x"), invalidation("@c:x")))).containsExactly(3L, 3L);
            assertThat(store.currentToken("caches", "master")).isEqualTo(3);
            assertThat(store.getUpdates("caches", "master", 0, 3, 10).rows()).hasSize(4);
            try (Connection c = reader(store)) {
                assertThat(name(c, "@a:x")).isEqualTo("Alice");
            }
        }
    }

    @Test
    void aFailingWorkRollsBackItsChangeAndUsesNoToken() throws Exception {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "Alice", 1);
                return List.of(invalidation("@a:x"));
            });
            assertThatThrownBy(() -> store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "Mallory", 2);
                throw new SQLException("constraint failed, say");
            })).isInstanceOf(StoreException.class).hasMessageContaining("constraint failed");
            assertThatThrownBy(() -> store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "Mallory", 2);
                return List.of(RawJson.of("[\"get_profile\","));
            })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
            assertThat(store.currentToken("caches", "master")).isEqualTo(1);
            try (Connection c = reader(store)) {
                assertThat(name(c, "@a:x")).isEqualTo("Alice");
            }
            assertThat(store.append("caches", "master", List.of(invalidation("@a:x")), false)).containsExactly(2L);
        }
    }

    @Test
    void workWithoutRowsCommitsTheChangeAlone() throws Exception {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThat(store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "Alice", 1);
                return List.of();
            })).isEmpty();
            assertThat(store.currentToken("caches", "master")).isZero();
            try (Connection c = reader(store)) {
                assertThat(name(c, "@a:x")).isEqualTo("Alice");
            }
        }
    }

    @Test
    void aReadOnlyStoreRefuses() {
        SqliteStreamStore.open(dir).close();
        try (SqliteStreamStore store = SqliteStreamStore.openExisting(dir)) {
            assertThatThrownBy(() -> store.appendInTransaction("caches", "master", false, c -> List.of()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
        }
    }

    /** A reader's snapshot never holds a profile version without its caches row, nor the reverse. */
    @Test
    void readersNeverSeeTheChangeWithoutItsRows() throws Exception {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", "v0", 0);
                return List.of();
            });
            AtomicBoolean writing = new AtomicBoolean(true);
            CompletableFuture<Integer> checks = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                try (Connection c = reader(store)) {
                    c.setAutoCommit(false);
                    while (writing.get() || n == 0) {
                        long version;
                        long token;
                        try (Statement s = c.createStatement();
                                ResultSet a = s.executeQuery("SELECT version FROM profiles WHERE user_id = '@a:x'")) {
                            a.next();
                            version = a.getLong(1);
                        }
                        try (Statement s = c.createStatement();
                                ResultSet b = s.executeQuery("SELECT COALESCE(MAX(token), 0) FROM stream_rows"
                                        + " WHERE stream = 'caches' AND instance = 'master'")) {
                            b.next();
                            token = b.getLong(1);
                        }
                        c.commit();
                        assertThat(token).as("caches token in the snapshot holding version %d", version)
                                .isEqualTo(version);
                        n++;
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
                return n;
            });
            for (long v = 1; v <= 200; v++) {
                long version = v;
                store.appendInTransaction("caches", "master", false, c -> {
                    setName(c, "@a:x", "v" + version, version);
                    return List.of(invalidation("@a:x"));
                });
            }
            writing.set(false);
            assertThat(checks.get(60, TimeUnit.SECONDS)).isPositive();
        }
    }
}
