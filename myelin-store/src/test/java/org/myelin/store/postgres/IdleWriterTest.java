package org.myelin.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.protocol.RawJson;

/**
 * A writer that stops writing a stream shared with another writer moves its position along with
 * the other's ({@code advanceIdle}), so the stream's safe position reaches the latest rows; but
 * never while one of its appends is in flight, so the safe position never passes a row not yet
 * committed.
 */
class IdleWriterTest {
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

    @Test
    void anIdleWriterFollowsTheBusyOneSoTheSafePositionReachesTheLatestRows() {
        try (PostgresStreamStore busy = PostgresStreamStore.open(db.fastOptions());
                PostgresStreamStore idle = PostgresStreamStore.open(db.fastOptions())) {
            long idleToken = idle.append("events", "idle", row("[\"i1\"]"), false).get(0);
            long last = 0;
            for (int i = 0; i < 5; i++) {
                last = busy.append("events", "busy", row("[\"b" + i + "\"]"), false).get(0);
            }
            assertThat(busy.safePosition("events")).as("held back by the idle writer").isEqualTo(idleToken);

            assertThat(idle.advanceIdle("idle", Set.of("events"))).isEqualTo(Map.of("events", last));
            assertThat(idle.currentToken("events", "idle")).isEqualTo(last);
            assertThat(busy.safePosition("events")).isEqualTo(last);
            // the move claims no row: the idle writer's rows up to its new position are its one row
            assertThat(idle.getUpdates("events", "idle", 0, last, 100).rows()).extracting(StreamRow::token)
                    .containsExactly(idleToken);
            // nothing further to move; a stream the writer never wrote does not move
            assertThat(idle.advanceIdle("idle", Set.of("events"))).isEmpty();
            busy.append("receipts", "busy", row("[\"r\"]"), false);
            assertThat(idle.advanceIdle("idle", Set.of("events", "receipts"))).isEmpty();
            assertThat(idle.currentToken("receipts", "idle")).isZero();

            // its next token is still above everything handed out, so its position keeps growing
            long next = idle.append("events", "idle", row("[\"i2\"]"), false).get(0);
            assertThat(next).isGreaterThan(last);
            assertThat(idle.currentToken("events", "idle")).isEqualTo(next);
        }
    }

    @Test
    void aWriterWithAnAppendInFlightDoesNotMoveAndTheSafePositionStaysBelowThatAppend() throws Exception {
        try (PostgresStreamStore busy = PostgresStreamStore.open(db.fastOptions());
                PostgresStreamStore slow = PostgresStreamStore.open(db.fastOptions())) {
            slow.append("events", "slow", row("[\"s1\"]"), false);
            busy.append("events", "busy", row("[\"b1\"]"), false);
            // Hold the slow writer's next append inside its transaction: a test transaction inserts
            // the row key its next token will have, so its INSERT waits on that key.
            long pending = lastTokenTaken() + 1;
            try (Connection hold = db.connect()) {
                hold.setAutoCommit(false);
                try (PreparedStatement s = hold.prepareStatement("INSERT INTO stream_rows"
                        + " (stream, instance, token, seq, row_json) VALUES ('events', 'slow', ?, 0, '[]')")) {
                    s.setLong(1, pending);
                    s.executeUpdate();
                }
                CompletableFuture<List<Long>> inFlight = CompletableFuture.supplyAsync(
                        () -> slow.append("events", "slow", row("[\"s2\"]"), false));
                await().atMost(Duration.ofSeconds(30)).until(() -> lastTokenTaken() >= pending);
                // a later append of the same writer commits first: its position stays below the held one
                long later = slow.append("events", "slow", row("[\"s3\"]"), false).get(0);
                assertThat(later).isGreaterThan(pending);
                assertThat(slow.persistedUpTo("events", "slow", later)).isLessThan(pending);
                assertThat(slow.currentToken("events", "slow")).isLessThan(pending);
                long busyLast = 0;
                for (int i = 2; i <= 4; i++) {
                    busyLast = busy.append("events", "busy", row("[\"b" + i + "\"]"), false).get(0);
                }
                assertThat(busyLast).isGreaterThan(pending);

                assertThat(slow.advanceIdle("slow", Set.of("events"))).as("an append is in flight").isEmpty();
                assertThat(busy.safePosition("events")).isLessThan(pending);
                assertThat(inFlight).isNotDone();

                hold.rollback(); // the held append now commits
                assertThat(inFlight.get(30, TimeUnit.SECONDS)).containsExactly(pending);
                assertThat(slow.persistedUpTo("events", "slow", pending)).isEqualTo(later);
                assertThat(slow.advanceIdle("slow", Set.of("events"))).isEqualTo(Map.of("events", busyLast));
                assertThat(busy.safePosition("events")).isEqualTo(busyLast);
                assertThat(slow.getUpdates("events", "slow", 0, busyLast, 100).rows()).extracting(StreamRow::token)
                        .hasSize(3).contains(pending, later);
            }
        }
    }

    /** The last token the stream's shared sequence handed out. */
    private long lastTokenTaken() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT last_value FROM myelin_tokens_"
                        + PostgresStreamStore.hash("events"))) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
