package org.myelin.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * {@code myelin bench catchup} with tiny numbers: a worker catches up over HTTP while live rows flow,
 * every row is checked, the report's figures are sane, nothing is left behind.
 */
class CatchUpCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aWorkerBehindCatchesUpOverHttpWhileLiveRowsFlowAndTheReportIsSane() throws Exception {
        BenchCommandTest.CliRun run = BenchCommandTest.CliRun.of("catchup", "--source", "http", "--behind", "3000",
                "--live-rate", "500", "--page-rows", "700", "--runs", "1", "--warmup", "0", "--timeout", "60",
                "--temp-dir", tmp.toString(), "--json");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode doc = Json.parse(run.out().trim());
        assertThat(doc.get("source").asText()).isEqualTo("http");
        assertThat(doc.get("baseline").asText()).contains("raw HTTP GET");
        JsonNode r = doc.get("runs").get(0);
        assertThat(r.get("rows_behind").asLong()).isGreaterThanOrEqualTo(3000);
        assertThat(r.get("rows").asLong()).as("rows behind plus the live rows written meanwhile")
                .isGreaterThanOrEqualTo(r.get("rows_behind").asLong());
        assertThat(r.get("live_rows_after").asLong()).as("it then followed live for a second").isPositive();
        assertThat(r.get("rows_per_second").asDouble()).isPositive();
        assertThat(r.get("baseline_rows_per_second").asDouble()).isPositive();
        assertThat(doc.get("median_ratio").asDouble()).isPositive();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("the temporary data directory is deleted").isEmpty();
        }
    }

    @Test
    void theCheckCatchesRowsLostRepeatedOrOutOfOrder() {
        RowFormat format = new RowFormat(60);
        CatchUpCheck gap = new CatchUpCheck("events", () -> 3);
        gap.onRows("events", "master", 1, List.of(RawJson.of(format.row(0, 0))));
        gap.onRows("events", "master", 3, List.of(RawJson.of(format.row(2, 0))));
        assertThatThrownBy(() -> gap.verify(2)).isInstanceOf(BenchFailure.class).hasMessageContaining("row 2 arrived where row 1");

        CatchUpCheck back = new CatchUpCheck("events", () -> 2);
        back.onRows("events", "master", 2, List.of(RawJson.of(format.row(0, 0))));
        back.onRows("events", "master", 2, List.of(RawJson.of(format.row(1, 0))));
        assertThatThrownBy(() -> back.verify(2)).isInstanceOf(BenchFailure.class)
                .hasMessageContaining("token 2 arrived after token 2");

        CatchUpCheck ok = new CatchUpCheck("events", () -> 2);
        ok.onRows("events", "master", 1, List.of(RawJson.of(format.row(0, 0)), RawJson.of(format.row(1, 0))));
        ok.verify(2);
        assertThat(ok.followingLive()).isCompletedWithValueMatching(live -> live.rows() == 2);
        assertThatThrownBy(() -> ok.verify(3)).isInstanceOf(BenchFailure.class).hasMessageContaining("received 2 rows");
    }

    @Test
    void badOptionsAreRejectedWithAClearMessage() {
        BenchCommandTest.CliRun run = BenchCommandTest.CliRun.of("catchup", "--source", "disk");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--source must be sqlite, postgres or http");
        assertThat(BenchCommandTest.CliRun.of("catchup", "--behind", "0").err()).contains("--behind must be at least 1");
        assertThat(BenchCommandTest.CliRun.of("catchup", "--help").out()).contains("--source", "--behind",
                "--live-rate", "--page-rows", "baseline");
    }
}
