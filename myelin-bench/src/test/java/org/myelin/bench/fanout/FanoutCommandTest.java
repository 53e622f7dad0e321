package org.myelin.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Json;
import picocli.CommandLine;

/**
 * {@code myelin bench fanout} with tiny numbers, against a real reader JVM: every row reaches
 * every reader in order (or the run fails), and the figures are there and sane.
 */
class FanoutCommandTest {

    @Test
    void everyPartRunsAndReportsSaneFigures() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FanoutCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int status = cli.execute("--rows", "3000", "--readers", "3", "--runs", "1", "--warmup", "0",
                "--rates", "500", "--seconds", "2", "--latency-readers", "2", "--idle-links", "20",
                "--timeout", "30", "--json");

        assertThat(status).as(err.toString()).isZero();
        JsonNode doc = Json.parse(out.toString().trim());
        JsonNode rss = doc.get("rss").get(0);
        assertThat(rss.get("links").asInt()).isEqualTo(20);
        assertThat(rss.get("rss_after_kb").asLong()).isPositive();
        JsonNode latency = doc.get("latency").get(0);
        assertThat(latency.get("rate").asInt()).isEqualTo(500);
        // 2 s at 500 rows/s to 2 readers: every row recorded once per reader (before the correction,
        // which may only add values)
        long recorded = latency.get("first_second").get("count").asLong()
                + latency.get("after_first_second").get("count").asLong();
        assertThat(recorded).isGreaterThanOrEqualTo(2000);
        assertThat(latency.get("after_first_second").get("p99_ms").asDouble())
                .isGreaterThanOrEqualTo(latency.get("after_first_second").get("p50_ms").asDouble());
        for (JsonNode t : doc.get("throughput")) {
            assertThat(t.get("readers").asInt()).isEqualTo(3);
            assertThat(t.get("rows").asLong()).isEqualTo(3000);
            assertThat(t.get("delivered_per_second").asDouble()).isPositive();
        }
        assertThat(doc.get("throughput")).extracting(t -> t.get("mode").asText()).containsExactly("myelin", "floor");
    }

    @Test
    void badPartIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FanoutCommand());
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("--parts", "speed")).isEqualTo(2);
        assertThat(err.toString()).contains("--parts takes rss, latency, throughput");
    }
}
