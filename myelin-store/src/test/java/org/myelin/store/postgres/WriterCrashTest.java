package org.myelin.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.protocol.RawJson;

/**
 * Writers that die or lose their connection in the middle of an append: no token is handed out
 * twice, no acknowledged row is lost, and no reader waits on the gap left behind.
 */
class WriterCrashTest {
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

    private static List<RawJson> row(String text) {
        return List.of(RawJson.of(text));
    }

    /** Blocks inserts into stream_rows, so the next append waits inside its open transaction, its token taken. */
    private Connection lockRows() throws SQLException {
        Connection c = db.connect();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE stream_rows IN SHARE MODE");
        }
        return c;
    }

    /** The backends waiting for that lock: appends in their open transaction. */
    private List<Integer> appendsWaitingOnTheLock() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE 'INSERT INTO stream_rows%'")) {
            List<Integer> pids = new java.util.ArrayList<>();
            while (rs.next()) {
                pids.add(rs.getInt(1));
            }
            return pids;
        }
    }

    private void terminate(int pid) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + pid + ")");
        }
    }

    @Test
    void anAppendWhoseConnectionIsKilledMidTransactionIsRetriedAndAcknowledgedOnce() throws Exception {
        try (PostgresStreamStore writer = PostgresStreamStore.open(db.options())) {
            writer.append("events", "w", row("[1]"), false);
            Connection lock = lockRows();
            CompletableFuture<List<Long>> append =
                    CompletableFuture.supplyAsync(() -> writer.append("events", "w", row("[2]"), false));
            await().atMost(Duration.ofSeconds(30)).until(() -> appendsWaitingOnTheLock().size() == 1);
            terminate(appendsWaitingOnTheLock().get(0));
            // The retry waits on the lock again, in a new transaction on a new connection.
            await().atMost(Duration.ofSeconds(30)).until(() -> appendsWaitingOnTheLock().size() == 1);
            assertThat(append).isNotDone();
            lock.rollback();
            lock.close();

            List<Long> tokens = append.get(30, TimeUnit.SECONDS);
            assertThat(tokens).containsExactly(2L);
            assertThat(writer.getUpdates("events", "w", 0, 10, 10).rows())
                    .containsExactly(new StreamRow(1, RawJson.of("[1]")), new StreamRow(2, RawJson.of("[2]")));
            assertThat(writer.currentToken("events", "w")).isEqualTo(2);
        }
    }

    @Test
    void aWriterKilledWithSigkillMidTransactionLeavesAGapThatNoTokenReusesAndNoReaderWaitsOn() throws Exception {
        try (PostgresStreamStore other = PostgresStreamStore.open(db.options());
                PostgresStreamStore reader = PostgresStreamStore.openExisting(db.options())) {
            // The crashy writer's first row, acknowledged, by a first life of it.
            try (PostgresStreamStore first = PostgresStreamStore.open(db.options())) {
                assertThat(first.append("events", "crashy", row("[\"acked\"]"), false)).containsExactly(1L);
            }
            other.append("events", "other", row("[\"o1\"]"), false); // token 2

            Connection lock = lockRows();
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HoldingWriter.class.getName(),
                    TestPostgres.url(), db.schema())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                CompletableFuture.runAsync(() -> out.lines().forEach(l -> System.out.println("[holding writer] " + l)));
                // The child took token 3, inserted its row, and waits in its open transaction.
                await().atMost(Duration.ofSeconds(60)).until(() -> appendsWaitingOnTheLock().size() == 1);
                new ProcessBuilder("kill", "-9", Long.toString(child.pid())).inheritIO().start().waitFor();
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
            lock.rollback();
            lock.close();
            // PostgreSQL sees the socket close and rolls the child's transaction back.
            await().atMost(Duration.ofSeconds(30)).until(() -> appendsWaitingOnTheLock().isEmpty());

            assertThat(other.append("events", "other", row("[\"o2\"]"), false)).containsExactly(4L);
            // The crashy writer restarted: its tokens continue after the gap, never reusing 3.
            try (PostgresStreamStore restarted = PostgresStreamStore.open(db.options())) {
                assertThat(restarted.currentToken("events", "crashy")).isEqualTo(1);
                assertThat(restarted.append("events", "crashy", row("[\"after\"]"), false)).containsExactly(5L);
            }
            // A reader goes up to each writer's position and finds every acknowledged row, no others.
            long crashy = reader.currentToken("events", "crashy");
            assertThat(crashy).isEqualTo(5);
            assertThat(reader.getUpdates("events", "crashy", 0, crashy, 100).rows()).containsExactly(
                    new StreamRow(1, RawJson.of("[\"acked\"]")), new StreamRow(5, RawJson.of("[\"after\"]")));
            assertThat(reader.getUpdates("events", "other", 0, reader.currentToken("events", "other"), 100).rows())
                    .extracting(StreamRow::token).containsExactly(2L, 4L);
            assertThat(reader.safePosition("events")).isEqualTo(4);
        }
    }
}
