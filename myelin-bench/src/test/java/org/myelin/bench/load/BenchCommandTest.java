package org.myelin.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import org.myelin.redis.RedisServer;

/** {@code myelin bench} with tiny numbers: sane figures, exactly-once checked, nothing left behind. */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    void twoWorkersReceiveEveryRowOnceAndTheFiguresAreSane() throws IOException {
        CliRun run = CliRun.of("--workers", "2", "--rows", "500", "--batch", "5", "--runs", "1",
                "--warmup", "0", "--timeout", "30", "--temp-dir", tmp.toString(), "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode doc = Json.parse(run.out().trim());
        for (String mode : List.of("replication_median", "baseline_median")) {
            JsonNode m = doc.get(mode);
            assertThat(m.get("readers").asInt()).as(mode).isEqualTo(2);
            assertThat(m.get("rows").asLong()).as(mode).isEqualTo(500);
            assertThat(m.get("writtenPerSecond").asDouble()).as(mode).isPositive();
            assertThat(m.get("deliveredPerSecond").asDouble()).as(mode).isPositive();
            JsonNode latency = m.get("latency");
            assertThat(latency.get("samples").asLong()).as(mode).isEqualTo(1000);
            long p50 = latency.get("p50").asLong();
            assertThat(p50).as(mode).isPositive();
            assertThat(latency.get("p99").asLong()).as(mode).isGreaterThanOrEqualTo(p50);
            assertThat(latency.get("max").asLong()).as(mode).isGreaterThanOrEqualTo(latency.get("p999").asLong());
            assertThat(m.get("heapUsedBytes").asLong()).as(mode).isPositive();
        }
        assertThat(doc.get("delivered_per_second_ratio").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("temporary data directories are deleted").isEmpty();
        }
    }

    @Test
    void textReportWithoutBaseline() {
        CliRun run = CliRun.of("--workers", "1", "--rows", "50", "--warmup", "0", "--no-baseline",
                "--temp-dir", tmp.toString());

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("replication").doesNotContain("polling").contains("p50 ms");
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() {
        assertThat(CliRun.of("--workers", "0")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("--workers must be at least 1");
        });
        assertThat(CliRun.of("--stream", "nope").err()).contains("--stream must be one of Synapse's streams");
        assertThat(CliRun.of("--rate", "-5").err()).contains("--rate must be 0");
        assertThat(CliRun.of("--help").out()).contains("--workers", "--rate", "--batch", "--row-bytes",
                "--runs", "--json", "polling");
    }

    @Test
    void theRecorderCatchesDuplicatesGapsAndMissingRows() {
        RowFormat format = new RowFormat(150);
        DeliveryRecorder dup = new DeliveryRecorder("w", "events", 2, new CountDownLatch(1));
        dup.onRows("events", "master", 1, List.of(RawJson.of(format.row(0, System.nanoTime()))));
        dup.onRows("events", "master", 1, List.of(RawJson.of(format.row(0, System.nanoTime()))));
        assertThatThrownBy(dup::verify).isInstanceOf(BenchFailure.class).hasMessageContaining("token 1 delivered after");

        DeliveryRecorder gap = new DeliveryRecorder("w", "events", 2, new CountDownLatch(1));
        gap.onRows("events", "master", 2, List.of(RawJson.of(format.row(1, System.nanoTime()))));
        assertThatThrownBy(gap::verify).hasMessageContaining("expected row 0 but got row 1");

        DeliveryRecorder missing = new DeliveryRecorder("w", "events", 2, new CountDownLatch(1));
        missing.onRows("events", "master", 1, List.of(RawJson.of(format.row(0, System.nanoTime()))));
        assertThatThrownBy(missing::verify).hasMessageContaining("received 1 of 2 rows");
    }

    @Test
    void rowsHaveAboutTheAskedSizeAndCarryTheirNumbers() {
        String row = new RowFormat(150).row(12345, 123456789012345L);
        assertThat(row.length()).isEqualTo(150);
        assertThat(RowFormat.seq(row)).isEqualTo(12345);
        assertThat(RowFormat.writeNanos(row)).isEqualTo(123456789012345L);
        assertThat(RawJson.of(row).canonicalText()).isEqualTo(row);
    }

    @Test
    void overRedisEveryRowArrivesOnceAndTheRawPublishBaselineIsReported() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        try (RedisServer redis = RedisServer.start()) {
            CliRun run = CliRun.of("--redis", redis.uri(), "--workers", "2", "--rows", "300", "--batch", "5",
                    "--warmup", "0", "--no-baseline", "--timeout", "60", "--temp-dir", data.toString());

            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out()).contains("replication").contains("redis raw PUBLISH");
        }
        try (Stream<Path> left = Files.list(data)) {
            assertThat(left).as("temporary data directories are deleted").isEmpty();
        }
    }

    /** One run of {@code myelin bench ARGS...} in-process, with what it printed. */
    record CliRun(int status, String out, String err) {
        static CliRun of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new BenchCommand()).setOut(new PrintWriter(out))
                    .setErr(new PrintWriter(err));
            int status = cl.execute(args);
            cl.getOut().flush();
            cl.getErr().flush();
            return new CliRun(status, out.toString(), err.toString());
        }
    }
}
