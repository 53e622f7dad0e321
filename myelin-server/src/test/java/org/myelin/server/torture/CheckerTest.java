package org.myelin.server.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.RawJson;
import org.myelin.server.torture.WorkerNode.Stop;
import org.myelin.store.sqlite.SqliteStreamStore;

/** The checker on a real SQLite store and hand-written worker outputs: it finds what it must find. */
class CheckerTest {
    private static final String EVENTS = "events";
    private static final String RECEIPTS = "receipts";

    @TempDir
    Path dir;
    private SqliteStreamStore store;
    private final AckLog events = new AckLog();
    private final AckLog receipts = new AckLog();
    private int files;

    @BeforeEach
    void write() {
        store = SqliteStreamStore.open(dir.resolve("data"));
        // events: tokens 1..4 one row each (rows 0..3), token 5 a same_token batch of rows 4, 5, 6
        events.acknowledged(0, append(EVENTS, false, 0, 1, 2, 3));
        events.acknowledged(4, append(EVENTS, true, 4, 5, 6));
        // receipts: tokens 1..3, rows 0..2
        receipts.acknowledged(0, append(RECEIPTS, false, 0, 1, 2));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Checker checker() {
        return new Checker(store, Map.of(EVENTS, events, RECEIPTS, receipts));
    }

    @Test
    void aCompleteOutputOfBothStreamsPasses() throws IOException {
        Checker checker = checker();
        long checked = checker.checkWorker("w", List.of(run(Stop.RUNNING, 0, 0, ev(1, 0), rc(1, 0), ev(2, 1), ev(3, 2),
                rc(2, 1), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(3, 2))));
        assertThat(checked).isEqualTo(10);
        assertThat(checker.total()).isZero();
        assertThat(checker.storeRows()).isEqualTo(10);
        assertThat(checker.lastTokens()).containsEntry(EVENTS, 5L).containsEntry(RECEIPTS, 3L);
    }

    @Test
    void aKilledRunsRowsPastItsSavedStateMayBePrintedAgainStreamByStream() throws IOException {
        Checker checker = checker();
        // run 1 was killed: its state had events 3, receipts 1 saved, but it had printed further
        // (and half a line); run 2 resumes from that state and prints those rows again
        long checked = checker.checkWorker("w", List.of(
                run(Stop.KILLED, 0, 0, ev(1, 0), rc(1, 0), ev(2, 1), ev(3, 2), rc(2, 1), ev(4, 3), ev(5, 4),
                        "{\"stream\":\"ev"),
                run(Stop.RUNNING, 3, 1, rc(2, 1), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(3, 2))));
        assertThat(checker.examples()).isEmpty();
        assertThat(checked).isEqualTo(10);
        assertThat(checker.reprinted()).isEqualTo(3);
    }

    @Test
    void aRunStoppedBySigtermMustHavePrintedNothingPastItsState() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.TERMINATED, 0, 0, ev(1, 0), ev(2, 1), ev(3, 2), rc(1, 0)),
                run(Stop.RUNNING, 2, 1, ev(3, 2), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(2, 1), rc(3, 2))));
        assertThat(checker.counts()).containsExactly(Map.entry(Violation.Kind.DUPLICATE, 1L));
        assertThat(checker.examples().get(0).detail()).contains("SIGTERM", "token 3 row 2");
    }

    @Test
    void aRunPrintingAtOrBelowItsStartStateIsAViolation() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.TERMINATED, 0, 0, ev(1, 0), ev(2, 1), rc(1, 0)),
                run(Stop.RUNNING, 2, 1, rc(1, 0), ev(3, 2), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(2, 1),
                        rc(3, 2))));
        assertThat(checker.counts()).containsExactly(Map.entry(Violation.Kind.BEFORE_START, 1L));
    }

    @Test
    void aStateGoingBackOrARowTheStateSkippedIsAViolation() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.TERMINATED, 0, 0, ev(1, 0), ev(2, 1), ev(3, 2), rc(1, 0), rc(2, 1)),
                // the state claims events 4 though token 4 was never printed; receipts went back
                run(Stop.TERMINATED, 4, 2, ev(5, 4), ev(5, 5), ev(5, 6), rc(3, 2)),
                run(Stop.RUNNING, 5, 1, rc(2, 1))));
        assertThat(checker.counts()).containsEntry(Violation.Kind.STATE_BACKWARDS, 1L)
                .containsKeys(Violation.Kind.LOST, Violation.Kind.DUPLICATE);
        assertThat(checker.examples()).extracting(Violation::detail)
                .anyMatch(d -> d.equals("events: token 4 row 3 never printed"))
                .anyMatch(d -> d.contains("receipts: run 3 resumed after token 1, run 2 after 2"));
    }

    @Test
    void aKilledRunsTailMustStillBeRowsOfTheStoreInOrder() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.KILLED, 0, 0, ev(1, 0), ev(2, 1), ev(4, 3), ev(3, 2), "{\"stream\":\"events\",\"instance\":"
                        + "\"master\",\"token\":5,\"row\":[\"torture\",5,\"bad\"]}"),
                run(Stop.RUNNING, 1, 0, ev(2, 1), ev(3, 2), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(1, 0), rc(2, 1),
                        rc(3, 2))));
        assertThat(checker.counts()).containsExactly(Map.entry(Violation.Kind.UNEXPECTED, 2L));
    }

    @Test
    void aWorkerThatDidNotExitCleanlyOnSigtermIsAViolation() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.TERM_FAILED, 0, 0, ev(1, 0)),
                run(Stop.RUNNING, 1, 0, ev(2, 1), ev(3, 2), ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(1, 0), rc(2, 1),
                        rc(3, 2))));
        assertThat(checker.counts()).containsExactly(Map.entry(Violation.Kind.UNCLEAN_STOP, 1L));
    }

    @Test
    void lostDuplicatedReorderedAndForeignRowsAreViolations() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(
                run(Stop.TERMINATED, 0, 0, ev(1, 0), ev(3, 2), ev(2, 1), ev(4, 3), rc(1, 0), rc(2, 1), rc(3, 2)),
                run(Stop.RUNNING, 4, 3, ev(5, 4), ev(5, 4), ev(5, 6),
                        "{\"stream\":\"events\",\"instance\":\"master\",\"token\":5,\"row\":[\"torture\",5,\"bad\"]}")));
        Map<Violation.Kind, Long> counts = checker.counts();
        assertThat(counts).containsEntry(Violation.Kind.OUT_OF_ORDER, 1L) // token 2 after 3
                .containsEntry(Violation.Kind.DUPLICATE, 1L)
                .containsEntry(Violation.Kind.LOST, 1L) // row 5
                .containsEntry(Violation.Kind.UNEXPECTED, 1L); // the corrupted row
        assertThat(checker.examples()).hasSize(4).allMatch(v -> v.worker().equals("w"));
    }

    @Test
    void rowsBeforeTheFirstStartPointAreNotExpected() throws IOException {
        Checker checker = checker();
        checker.checkWorker("w", List.of(run(Stop.RUNNING, 3, 2, ev(4, 3), ev(5, 4), ev(5, 5), ev(5, 6), rc(3, 2))));
        assertThat(checker.total()).isZero();
    }

    @Test
    void anAcknowledgedWriteMissingFromTheStoreIsAViolation() {
        receipts.acknowledged(3, new long[] {4});
        Checker checker = checker();
        assertThat(checker.counts()).containsEntry(Violation.Kind.ACKED_WRITE_LOST, 1L);
    }

    private long[] append(String stream, boolean sameToken, long... seqs) {
        List<RawJson> rows = new ArrayList<>();
        for (long s : seqs) {
            rows.add(RawJson.of(TortureRows.row(s)));
        }
        return store.append(stream, "master", rows, sameToken).stream().mapToLong(Long::longValue).toArray();
    }

    private WorkerNode.Incarnation run(Stop stop, long eventsFrom, long receiptsFrom, String... lines)
            throws IOException {
        int number = ++files;
        Path out = dir.resolve("w." + number + ".out");
        Files.writeString(out, String.join("\n", lines) + (lines[lines.length - 1].endsWith("}") ? "\n" : ""));
        return new WorkerNode.Incarnation(number, Map.of(EVENTS, eventsFrom, RECEIPTS, receiptsFrom), out, stop,
                stop == Stop.RUNNING ? -1 : 0);
    }

    private static String ev(long token, long seq) {
        return line(EVENTS, token, seq);
    }

    private static String rc(long token, long seq) {
        return line(RECEIPTS, token, seq);
    }

    private static String line(String stream, long token, long seq) {
        return "{\"stream\":\"" + stream + "\",\"instance\":\"master\",\"token\":" + token + ",\"row\":"
                + TortureRows.row(seq) + "}";
    }
}
