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
import org.myelin.store.sqlite.SqliteStreamStore;

/** The checker on a real SQLite store and hand-written worker outputs: it finds what it must find. */
class CheckerTest {
    @TempDir
    Path dir;
    private SqliteStreamStore store;
    private final AckLog acks = new AckLog();

    @BeforeEach
    void write() {
        store = SqliteStreamStore.open(dir.resolve("data"));
        // tokens 1..4 one row each (rows 0..3), token 5 a same_token batch of rows 4, 5, 6
        acks.acknowledged(0, append(false, 0, 1, 2, 3).stream().mapToLong(Long::longValue).toArray());
        acks.acknowledged(4, append(true, 4, 5, 6).stream().mapToLong(Long::longValue).toArray());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCompleteOutputPasses() throws IOException {
        Checker checker = new Checker(store, acks);
        long checked = checker.checkWorker("w", List.of(run(1, 0, line(1, 0), line(2, 1), line(3, 2), line(4, 3),
                line(5, 4), line(5, 5), line(5, 6))));
        assertThat(checked).isEqualTo(7);
        assertThat(checker.total()).isZero();
        assertThat(checker.storeRows()).isEqualTo(7);
        assertThat(checker.lastToken()).isEqualTo(5);
    }

    @Test
    void aKilledRunsHalfPrintedTokenIsDroppedWhenItsSuccessorStartsBeforeIt() throws IOException {
        Checker checker = new Checker(store, acks);
        // run 1 was killed after printing one row of token 5; run 2 resumed after token 4
        checker.checkWorker("w", List.of(
                run(1, 0, line(1, 0), line(2, 1), line(3, 2), line(4, 3), line(5, 4), "{\"stream\":\"ev"),
                run(2, 4, line(5, 4), line(5, 5), line(5, 6))));
        assertThat(checker.total()).isZero();
    }

    @Test
    void lostDuplicatedReorderedAndForeignRowsAreViolations() throws IOException {
        Checker checker = new Checker(store, acks);
        checker.checkWorker("w", List.of(
                run(1, 0, line(1, 0), line(3, 2), line(2, 1), line(4, 3)),
                run(2, 4, line(5, 4), line(5, 4), line(5, 6),
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
        Checker checker = new Checker(store, acks);
        checker.checkWorker("w", List.of(run(1, 3, line(4, 3), line(5, 4), line(5, 5), line(5, 6))));
        assertThat(checker.total()).isZero();
    }

    @Test
    void anAcknowledgedWriteMissingFromTheStoreIsAViolation() {
        acks.acknowledged(7, new long[] {6});
        Checker checker = new Checker(store, acks);
        assertThat(checker.counts()).containsEntry(Violation.Kind.ACKED_WRITE_LOST, 1L);
    }

    private List<Long> append(boolean sameToken, long... seqs) {
        List<RawJson> rows = new ArrayList<>();
        for (long s : seqs) {
            rows.add(RawJson.of(TortureRows.row(s)));
        }
        return store.append(TortureRows.STREAM, "master", rows, sameToken);
    }

    private WorkerNode.Incarnation run(int number, long from, String... lines) throws IOException {
        Path out = dir.resolve("w." + number + ".out");
        Files.writeString(out, String.join("\n", lines) + (lines[lines.length - 1].endsWith("}") ? "\n" : ""));
        return new WorkerNode.Incarnation(number, from, out);
    }

    private static String line(long token, long seq) {
        return "{\"stream\":\"events\",\"instance\":\"master\",\"token\":" + token + ",\"row\":" + TortureRows.row(seq)
                + "}";
    }
}
