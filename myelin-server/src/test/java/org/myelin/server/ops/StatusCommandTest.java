package org.myelin.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.server.CliRun;

/** {@code myelin status} against a running main and worker, and against nothing. */
class StatusCommandTest {
    @TempDir
    Path data;

    @Test
    void showsStreamsLinksRatesAndCountersOfTheMainAndTheWorker() throws Exception {
        try (OpsCluster cluster = new OpsCluster(data)) {
            cluster.write(3);
            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.rowsHandled.get() == 3);

            CliRun main = CliRun.of("status", "--url", cluster.mainUrl());
            assertThat(main.status()).as(main.err()).isZero();
            assertThat(main.out()).startsWith("myelin main 'master' of ops.test, up ");
            assertThat(main.out().lines()).anyMatch(l -> l.matches("\\s+events\\s+master\\s+3\\s+-\\s+-"))
                    .anyMatch(l -> l.matches("\\s+w1\\s+/127\\.0\\.0\\.1:\\d+\\s+tcp\\s+open\\s+0\\s+-\\s+-"))
                    .anyMatch(l -> l.startsWith("rates (per second, mean of the last minute): rows "))
                    .anyMatch(l -> l.startsWith("counters: links opened 1, catch up mode entered 0"))
                    .anyMatch(l -> l.equals("links closed by reason: none"));

            CliRun worker = CliRun.of("status", "--url", cluster.workerUrl());
            assertThat(worker.status()).as(worker.err()).isZero();
            assertThat(worker.out()).startsWith("myelin worker 'w1' of ops.test");
            assertThat(worker.out().lines()).anyMatch(l -> l.matches("\\s+events\\s+master\\s+3\\s+0\\s+0"))
                    .anyMatch(l -> l.matches("\\s+ops\\.test\\s+/127\\.0\\.0\\.1:\\d+\\s+tcp\\s+open\\s+0\\s+0\\s+0"))
                    .anyMatch(l -> l.startsWith("reconnects by cause: "));

            CliRun json = CliRun.of("status", "--json", "--url", cluster.workerUrl());
            JsonNode status = Json.parse(json.out());
            assertThat(status.path("role").asText()).isEqualTo("worker");
            assertThat(status.path("stream_writers").path("events").path("master").asLong()).isEqualTo(3);
            assertThat(status.path("rates").path("names").toString()).isEqualTo("[\"rows\",\"commands_in\",\"commands_out\"]");
        }
    }

    @Test
    void saysClearlyWhenNothingAnswers() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun run = CliRun.of("status", "--url", "http://127.0.0.1:" + port);
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("myelin status: nothing answers at http://127.0.0.1:" + port)
                .contains("is 'myelin main' running there, or the worker started with --listen-http?");
    }
}
