package org.myelin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;
import org.myelin.store.StreamPosition;

class SqliteStreamStoreTest {
    @TempDir
    Path dir;

    private static RawJson json(String text) {
        return RawJson.of(text);
    }

    private static List<RawJson> rows(String... texts) {
        return java.util.Arrays.stream(texts).map(RawJson::of).toList();
    }

    @Test
    void createsTheDatabaseFileAndReportsItsSchema() {
        Path data = dir.resolve("nested/data");
        try (SqliteStreamStore store = SqliteStreamStore.open(data)) {
            assertThat(store.file()).isEqualTo(data.toAbsolutePath().resolve("myelin.db"));
            assertThat(store.file()).isRegularFile();
            assertThat(store.schemaVersion()).isEqualTo("2");
            assertThat(store.writable()).isTrue();
            assertThat(store.currentToken("events", "master")).isZero();
            assertThat(store.positions()).isEmpty();
        }
    }

    @Test
    void appendsRowsWithIncreasingTokensAndReadsThemBack() throws Exception {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThat(store.append("events", "master", rows("[\"$a\"]", "[\"$b\"]"), false))
                    .containsExactly(1L, 2L);
            assertThat(store.append("events", "master", rows("[\"$c\"]"), false)).containsExactly(3L);
            assertThat(store.currentToken("events", "master")).isEqualTo(3);

            UpdateFunction updates = store.updateFunction("events");
            UpdateBatch all = updates.getUpdates("master", 0, 3, 100);
            assertThat(all.rows()).containsExactly(
                    new StreamRow(1, json("[\"$a\"]")),
                    new StreamRow(2, json("[\"$b\"]")),
                    new StreamRow(3, json("[\"$c\"]")));
            assertThat(all.limited()).isFalse();
            assertThat(all.uptoToken()).isEqualTo(3);

            assertThat(updates.getUpdates("master", 1, 2, 100).rows())
                    .containsExactly(new StreamRow(2, json("[\"$b\"]")));
        }
    }

    @Test
    void sameTokenBatchesShareOneTokenAndStayInOrder() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("caches", "master", rows("[1]"), false);
            assertThat(store.append("caches", "master", rows("[2]", "[3]", "[4]"), true))
                    .containsExactly(2L, 2L, 2L);
            assertThat(store.append("caches", "master", rows("[5]"), true)).containsExactly(3L);

            UpdateBatch batch = store.getUpdates("caches", "master", 0, 10, 100);
            assertThat(batch.rows()).extracting(r -> r.token() + ":" + r.row().text())
                    .containsExactly("1:[1]", "2:[2]", "2:[3]", "2:[4]", "3:[5]");
            assertThat(batch.uptoToken()).isEqualTo(10);
        }
    }

    @Test
    void aLimitedPageNeverSplitsAToken() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("s", "w", rows("[1]"), false);
            store.append("s", "w", rows("[2]", "[3]", "[4]"), true);
            store.append("s", "w", rows("[5]"), false);

            UpdateBatch first = store.getUpdates("s", "w", 0, 3, 2);
            assertThat(first.rows()).extracting(StreamRow::token).containsExactly(1L, 2L, 2L, 2L);
            assertThat(first.limited()).isTrue();
            assertThat(first.uptoToken()).isEqualTo(2);

            UpdateBatch second = store.getUpdates("s", "w", 2, 3, 2);
            assertThat(second.rows()).extracting(StreamRow::token).containsExactly(3L);
            assertThat(second.limited()).isFalse();
            assertThat(second.uptoToken()).isEqualTo(3);
        }
    }

    @Test
    void aPageEndingExactlyAtTheLastRowIsNotLimited() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("s", "w", rows("[1]", "[2]"), true);
            UpdateBatch batch = store.getUpdates("s", "w", 0, 5, 1);
            assertThat(batch.rows()).hasSize(2);
            assertThat(batch.limited()).isFalse();
            assertThat(batch.uptoToken()).isEqualTo(5);
        }
    }

    @Test
    void streamsAndInstancesAreSeparate() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("events", "master", rows("[1]", "[2]"), false);
            store.append("events", "persister1", rows("[3]"), false);
            store.append("typing", "master", rows("[4]"), false);

            assertThat(store.currentToken("events", "persister1")).isEqualTo(1);
            assertThat(store.getUpdates("events", "persister1", 0, 10, 10).rows())
                    .containsExactly(new StreamRow(1, json("[3]")));
            assertThat(store.positions()).containsExactly(
                    new StreamPosition("events", "master", 2),
                    new StreamPosition("events", "persister1", 1),
                    new StreamPosition("typing", "master", 1));
        }
    }

    @Test
    void rowsAreStoredInCanonicalText() {
        RawJson spaced = RawJson.of("[ \"caf\u00e9\" , 1 ]");
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("s", "w", List.of(spaced), false);
            String stored = store.getUpdates("s", "w", 0, 1, 1).rows().get(0).row().text();
            assertThat(stored).isEqualTo(spaced.canonicalText()).doesNotContain(" ");
            assertThat(stored.chars()).allMatch(ch -> ch < 128);
        }
    }

    @Test
    void emptyAppendsUseNoToken() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThat(store.append("s", "w", List.of(), false)).isEmpty();
            assertThat(store.append("s", "w", List.of(), true)).isEmpty();
            assertThat(store.currentToken("s", "w")).isZero();
            assertThat(store.append("s", "w", rows("[1]"), false)).containsExactly(1L);
        }
    }

    @Test
    void anInvalidRowFailsTheWholeAppendWithoutUsingATokenOrWritingAnything() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThatThrownBy(() -> store.append("s", "w", rows("[1]", "[not json"), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 1");
            assertThat(store.currentToken("s", "w")).isZero();
            assertThat(store.getUpdates("s", "w", 0, 10, 10).rows()).isEmpty();
        }
    }

    @Test
    void emptyRangesAndBadLimits() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("s", "w", rows("[1]"), false);
            assertThat(store.getUpdates("s", "w", 1, 1, 10)).isEqualTo(UpdateBatch.empty(1));
            assertThat(store.getUpdates("s", "w", 5, 9, 10)).isEqualTo(UpdateBatch.empty(9));
            assertThatThrownBy(() -> store.getUpdates("s", "w", 0, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.append("", "w", rows("[1]"), false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRestartedWriterContinuesFromItsPersistedTokens() {
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            store.append("events", "master", rows("[1]", "[2]"), false);
            store.append("caches", "master", rows("[3]", "[4]"), true);
        }
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThat(store.currentToken("events", "master")).isEqualTo(2);
            assertThat(store.append("events", "master", rows("[5]"), false)).containsExactly(3L);
            assertThat(store.append("caches", "master", rows("[6]"), false)).containsExactly(2L);
            assertThat(store.getUpdates("events", "master", 0, 3, 10).rows())
                    .extracting(StreamRow::token).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aWorkerOpeningTheSameFileSeesRowsTheWriterAppendsWhileBothAreOpen() {
        try (SqliteStreamStore writer = SqliteStreamStore.open(dir)) {
            writer.append("events", "master", rows("[1]"), false);
            try (SqliteStreamStore worker = SqliteStreamStore.openExisting(dir)) {
                assertThat(worker.writable()).isFalse();
                assertThat(worker.currentToken("events", "master")).isEqualTo(1);

                writer.append("events", "master", rows("[2]", "[3]"), true);

                assertThat(worker.currentToken("events", "master")).isEqualTo(2);
                assertThat(worker.updateFunction("events").getUpdates("master", 1, 2, 10).rows())
                        .containsExactly(new StreamRow(2, json("[2]")), new StreamRow(2, json("[3]")));
                assertThat(worker.positions()).containsExactly(new StreamPosition("events", "master", 2));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aWorkerCanReadAfterTheWriterHasStopped() {
        try (SqliteStreamStore writer = SqliteStreamStore.open(dir)) {
            writer.append("events", "master", rows("[1]"), false);
        }
        try (SqliteStreamStore worker = SqliteStreamStore.openExisting(dir)) {
            assertThat(worker.getUpdates("events", "master", 0, 1, 10).rows()).hasSize(1);
        }
    }

    @Test
    void aWorkerCannotAppend() {
        SqliteStreamStore.open(dir).close();
        try (SqliteStreamStore worker = SqliteStreamStore.openExisting(dir)) {
            assertThatThrownBy(() -> worker.append("s", "w", rows("[1]"), false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void openExistingOnAnEmptyDirectoryFailsNamingThePathAndCreatesNothing() {
        assertThatThrownBy(() -> SqliteStreamStore.openExisting(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("No Myelin database at " + dir.toAbsolutePath().resolve("myelin.db"));
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void openExistingOnAMissingDirectoryFails() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> SqliteStreamStore.openExisting(missing))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString());
        assertThat(missing).doesNotExist();
    }

    @Test
    void aFileThatIsNotSqliteIsRefused() throws Exception {
        Files.writeString(dir.resolve("myelin.db"), "this is not a database, just text that is long enough");
        assertThatThrownBy(() -> SqliteStreamStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir.resolve("myelin.db").toAbsolutePath() + " is not a SQLite database");
        assertThatThrownBy(() -> SqliteStreamStore.openExisting(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a SQLite database");
    }

    @Test
    void someoneElsesSqliteDatabaseIsRefusedAndLeftAlone() throws Exception {
        Path file = dir.resolve("myelin.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (name TEXT)");
        }
        assertThatThrownBy(() -> SqliteStreamStore.open(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a Myelin database")
                .hasMessageContaining("users");
        assertThatThrownBy(() -> SqliteStreamStore.openExisting(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a Myelin database");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'").getInt(1))
                    .isEqualTo(1);
            assertThat(s.executeQuery("PRAGMA journal_mode").getString(1)).isEqualTo("delete");
        }
    }

    @Test
    void aWorkerRefusesADatabaseTheWriterHasNotMigratedYet() throws Exception {
        SqliteStreamStore.open(dir).close();
        Path file = dir.resolve("myelin.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            // As if this program shipped a migration the file has not had yet.
            s.execute("DELETE FROM myelin_schema_history");
        }
        assertThatThrownBy(() -> SqliteStreamStore.openExisting(dir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("this program needs 2")
                .hasMessageContaining("start the writer");
    }

    @Test
    void theDatabaseIsInWalMode() throws Exception {
        SqliteStreamStore.open(dir).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("myelin.db"));
                Statement s = c.createStatement()) {
            assertThat(s.executeQuery("PRAGMA journal_mode").getString(1)).isEqualTo("wal");
        }
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefused() throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> SqliteStreamStore.open(notADir))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Cannot create the data directory " + notADir.toAbsolutePath());
    }

    @Test
    void aClosedStoreRefusesCalls() {
        SqliteStreamStore store = SqliteStreamStore.open(dir);
        store.close();
        store.close();
        assertThatThrownBy(() -> store.currentToken("s", "w")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.append("s", "w", rows("[1]"), false))
                .isInstanceOf(IllegalStateException.class);
    }
}
