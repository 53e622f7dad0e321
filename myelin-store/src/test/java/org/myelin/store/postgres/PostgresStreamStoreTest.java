package org.myelin.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.stream.StreamRow;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.StreamStoreContract;

/** The store contract on the machine's PostgreSQL, in a schema of its own, and what is PostgreSQL's own. */
class PostgresStreamStoreTest extends StreamStoreContract {
    private TestPostgres db;

    @BeforeEach
    void createSchema() {
        db = TestPostgres.create();
    }

    @AfterEach
    void dropSchema() {
        if (db != null) {
            db.close();
        }
    }

    @Override
    protected StreamStore openWriter() {
        return PostgresStreamStore.open(db.options());
    }

    @Override
    protected StreamStore openReader() {
        return PostgresStreamStore.openExisting(db.options());
    }

    @Test
    void migratesToTheSameSchemaVersionAsSqlite() {
        try (PostgresStreamStore store = PostgresStreamStore.open(db.options())) {
            assertThat(store.schemaVersion()).isEqualTo("2");
            assertThat(store.writable()).isTrue();
        }
        try (PostgresStreamStore reader = PostgresStreamStore.openExisting(db.options())) {
            assertThat(reader.schemaVersion()).isEqualTo("2");
            assertThat(reader.writable()).isFalse();
        }
    }

    @Test
    void anUnreachableDatabaseFailsAtOnceWithOneLineNamingIt() {
        PostgresStoreOptions nowhere = new PostgresStoreOptions(
                "jdbc:postgresql://127.0.0.1:1/test?user=postgres", "public", 2,
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(1));
        assertThatThrownBy(() -> PostgresStreamStore.open(nowhere))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("Cannot connect to PostgreSQL 127.0.0.1:1/test: ")
                .hasMessageContaining("refused")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aReaderOnASchemaWithoutMyelinTablesSaysToStartAWriter() {
        assertThatThrownBy(() -> PostgresStreamStore.openExisting(db.options()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("No Myelin tables in schema " + db.schema())
                .hasMessageContaining("start a writer");
    }

    @Test
    void someoneElsesSchemaIsRefusedAndLeftAlone() throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (name TEXT)");
        }
        assertThatThrownBy(() -> PostgresStreamStore.open(db.options()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot migrate the Myelin schema " + db.schema());
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
                        + db.schema() + "'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void twoWritersOfOneStreamShareItsTokensAndEachKeepsItsOwnPosition() {
        try (PostgresStreamStore a = PostgresStreamStore.open(db.options());
                PostgresStreamStore b = PostgresStreamStore.open(db.options())) {
            assertThat(a.append("events", "a", rows("[1]", "[2]"), false)).containsExactly(1L, 2L);
            assertThat(b.append("events", "b", rows("[3]"), false)).containsExactly(3L);
            assertThat(a.append("events", "a", rows("[4]", "[5]"), true)).containsExactly(4L, 4L);
            assertThat(a.positions()).containsExactly(
                    new StreamPosition("events", "a", 4), new StreamPosition("events", "b", 3));
            assertThat(a.safePosition("events")).isEqualTo(3);
            assertThat(b.getUpdates("events", "a", 0, 4, 10).rows())
                    .extracting(StreamRow::token).containsExactly(1L, 2L, 4L, 4L);
            assertThat(a.safePosition("nothing")).isZero();
        }
    }

    @Test
    void tokensTakenByAnAppendThatRolledBackAreNeverHandedOutAgain() throws Exception {
        try (PostgresStreamStore store = PostgresStreamStore.open(db.options())) {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE once (id INT PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)");
            }
            store.append("caches", "w", rows("[1]"), false);
            assertThat(store.appendInTransaction("caches", "w", false, c -> List.of(RawJson.of("[2]"))))
                    .containsExactly(2L);
            // Fails only at COMMIT (a deferred key), after its tokens were taken and its rows inserted.
            assertThatThrownBy(() -> store.appendInTransaction("caches", "w", false, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO once VALUES (1), (1)");
                }
                return List.of(RawJson.of("[3]"));
            })).isInstanceOf(StoreException.class).hasMessageContaining("once_pkey");
            assertThat(store.append("caches", "w", rows("[4]"), false)).containsExactly(4L);
            assertThat(store.getUpdates("caches", "w", 0, 10, 10).rows())
                    .extracting(r -> r.token() + ":" + r.row().text()).containsExactly("1:[1]", "2:[2]", "4:[4]");
            assertThat(store.currentToken("caches", "w")).isEqualTo(4);
        }
    }

    @Test
    void clientIpsAreStoredAsOnSqlite() {
        try (PostgresStreamStore store = PostgresStreamStore.open(db.options())) {
            store.clientIps().upsert(new ClientIp("@a:x", "tok", "10.0.0.1", "ua1", "D1", 100));
            store.clientIps().upsert(new ClientIp("@a:x", null, "10.0.0.2", null, null, 300));
            store.clientIps().upsert(new ClientIp("@a:x", "tok", "10.0.0.1", "ua3", "D1", 400));
            assertThat(store.clientIps("@a:x")).containsExactly(
                    new ClientIp("@a:x", "tok", "10.0.0.1", "ua3", "D1", 400),
                    new ClientIp("@a:x", "", "10.0.0.2", null, null, 300));
        }
        try (PostgresStreamStore reader = PostgresStreamStore.openExisting(db.options())) {
            assertThatThrownBy(reader::clientIps).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
    }
}
