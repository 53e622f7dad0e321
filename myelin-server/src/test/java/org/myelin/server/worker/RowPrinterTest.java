package org.myelin.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.RawJson;

/** The worker's buffered output: lines leave soon, and a position is reported only once its rows are out. */
class RowPrinterTest {
    private final Map<String, Long> reported = new ConcurrentHashMap<>();

    private RowPrinter printer(PrintWriter out) {
        return new RowPrinter(out, (stream, instance, token) -> reported.put(stream + "/" + instance, token));
    }

    @Test
    void aPositionIsReportedOnlyAfterItsRowsWereFlushedAndLinesLeaveWithinMilliseconds() throws Exception {
        StringWriter text = new StringWriter();
        // counts what reached the underlying writer: only a flush of the printer hands lines over
        try (RowPrinter p = printer(new PrintWriter(text))) {
            p.onRows("events", "master", 7, List.of(RawJson.of("[\"a\"]"), RawJson.of("[\"b\"]")));
            p.onPosition("typing", "master", 3);
            // the delayed flush hands the lines over on its own, soon, then reports both positions
            await().atMost(Duration.ofSeconds(5)).until(() -> reported.size() == 2);
            assertThat(text.toString()).isEqualTo(
                    "{\"stream\":\"events\",\"instance\":\"master\",\"token\":7,\"row\":[\"a\"]}\n"
                            + "{\"stream\":\"events\",\"instance\":\"master\",\"token\":7,\"row\":[\"b\"]}\n");
            assertThat(reported).containsEntry("events/master", 7L).containsEntry("typing/master", 3L);
        }
    }

    @Test
    void aBurstIsFlushedInLargeWritesAndNothingIsReportedBeforeItsWrite() throws Exception {
        List<Integer> writes = new ArrayList<>();
        java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (writes) {
                    writes.add(len);
                }
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        lines.incrementAndGet();
                    }
                }
            }
        };
        try (RowPrinter p = printer(new PrintWriter(new java.io.OutputStreamWriter(counting,
                java.nio.charset.StandardCharsets.UTF_8)))) {
            String row = "[\"" + "x".repeat(200) + "\"]";
            for (long token = 1; token <= 2_000; token++) {
                p.onRows("events", "master", token, List.of(RawJson.of(row)));
                Long out = reported.get("events/master");
                if (out != null) {
                    // every row up to a reported token is in the output already
                    assertThat(lines.get()).isGreaterThanOrEqualTo(out);
                }
            }
            p.flush();
            assertThat(reported).containsEntry("events/master", 2_000L);
        }
        assertThat(lines.get()).isEqualTo(2_000);
        synchronized (writes) {
            assertThat(writes.size()).as("writes for 2,000 rows of ~260 bytes: far fewer than one per token")
                    .isLessThan(200);
        }
    }

    @Test
    void aFailedOutputReportsNothingMoreAndFailsTheHandler() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        try (RowPrinter p = printer(new PrintWriter(broken))) {
            assertThatThrownBy(() -> {
                p.onRows("events", "master", 1, List.of(RawJson.of("[1]")));
                p.flush();
            }).isInstanceOf(IOException.class).hasMessageContaining("standard output failed");
            assertThat(p.failure().toCompletableFuture()).isCompletedExceptionally();
            assertThat(reported).isEmpty();
            assertThatThrownBy(() -> p.onRows("events", "master", 2, List.of(RawJson.of("[2]"))))
                    .isInstanceOf(IOException.class);
            assertThat(reported).isEmpty();
        }
    }
}
