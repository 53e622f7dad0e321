package org.myelin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.store.StoreException;
import org.myelin.store.StreamStore;
import org.myelin.store.StreamStoreContract;

/** The store contract on an SQLite file in a temporary directory, and what is SQLite's own. */
class SqliteStreamStoreTest extends StreamStoreContract {
    @TempDir
    Path dir;

    @Override
    protected StreamStore openWriter() {
        return SqliteStreamStore.open(dir);
    }

    @Override
    protected StreamStore openReader() {
        return SqliteStreamStore.openExisting(dir);
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
    void onlyTheWritersStoreIsWritable() {
        try (SqliteStreamStore writer = SqliteStreamStore.open(dir);
                SqliteStreamStore reader = SqliteStreamStore.openExisting(dir)) {
            assertThat(writer.writable()).isTrue();
            assertThat(reader.writable()).isFalse();
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
}
