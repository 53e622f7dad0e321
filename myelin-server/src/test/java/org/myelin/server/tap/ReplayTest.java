package org.myelin.server.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import org.myelin.server.CliRun;
import org.myelin.server.cli.HostPort;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.TcpSettings;

/** {@code myelin tap} and {@code myelin worker} against the lines a real Synapse 1.66 main sent. */
class ReplayTest {
    @TempDir
    Path tmp;

    /** The server lines ({@code <}) of the session capture. */
    static List<String> serverLines() throws Exception {
        Path capture = CliRun.vectors().resolve("tcp-session-sqlite.txt");
        return Files.readAllLines(capture, StandardCharsets.UTF_8).stream()
                .filter(l -> l.matches("^\\s*[0-9.]+ < .*"))
                .map(l -> l.replaceFirst("^\\s*[0-9.]+ < ", ""))
                .toList();
    }

    @Test
    void tapShowsEveryCommandAsJson() throws Exception {
        List<String> lines = serverLines();
        try (ScriptedServer server = new ScriptedServer(lines, true)) {
            CliRun run = CliRun.of("tap", "--connect", "127.0.0.1:" + server.port(), "--server-name", "peer.test",
                    "--json", "--once");
            assertThat(run.status()).as(run.err()).isZero();
            List<JsonNode> shown = run.lines().stream().map(Json::parse).toList();
            assertThat(shown).hasSize(lines.size());
            for (int i = 0; i < lines.size(); i++) {
                assertThat(shown.get(i).get("command").asText()).isEqualTo(lines.get(i).split(" ")[0]);
            }
            JsonNode receipt = shown.stream().filter(j -> j.path("stream").asText().equals("receipts")
                    && j.get("command").asText().equals("RDATA")).findFirst().orElseThrow();
            assertThat(receipt.get("row").get(4).get("ts").asLong()).isEqualTo(1795714339686L);
        }
    }

    @Test
    void tapSummarisesEachStream() throws Exception {
        try (ScriptedServer server = new ScriptedServer(serverLines(), true)) {
            CliRun run = CliRun.of("tap", "--connect", "127.0.0.1:" + server.port(), "--server-name", "peer.test",
                    "--once");
            assertThat(run.status()).as(run.err()).isZero();
            // the summary printed when the link closed: stream, writer, last token, RDATA, POSITION
            assertThat(run.out()).containsPattern("events\\s+master\\s+14\\s+23\\s+1\\n")
                    .containsPattern("typing\\s+master\\s+2\\s+2\\s+1\\n")
                    .contains("other commands {PING=4, SERVER=1}");
        }
    }

    @Test
    void tapRefusesTheWrongServer() throws Exception {
        try (ScriptedServer server = new ScriptedServer(List.of("SERVER peer.test"), true)) {
            CliRun run = CliRun.of("tap", "--connect", "127.0.0.1:" + server.port(), "--server-name", "other",
                    "--once");
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).contains("expected SERVER other");
        }
    }

    @Test
    void workerPrintsEveryRowOfTheSession() throws Exception {
        List<String> lines = serverLines();
        long rdata = lines.stream().filter(l -> l.startsWith("RDATA ")).count();
        SqliteStreamStore.open(tmp).close(); // an empty store to catch up from (nothing is missing)
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(lines, false);
                WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig("replayer",
                        new HostPort("127.0.0.1", server.port()), "peer.test", tmp, OptionalLong.empty(), List.of(),
                        TcpSettings.defaults()), (stream, instance, token, rows) -> {
                            for (RawJson row : rows) {
                                printed.add(stream + " " + token + " " + row.text());
                            }
                        })) {
            await().atMost(Duration.ofSeconds(20)).until(() -> printed.size() == rdata);
            assertThat(printed).filteredOn(p -> p.startsWith("events ")).hasSize(23);
            assertThat(printed).contains("typing 2 [\"!STrHprBKImcOfTCTTP:peer.test\",[]]");
            assertThat(worker.engine().receivedTokens().get("events").get("master")).isEqualTo(14);
        }
    }

    private WorkerProcess replayWorker(ScriptedServer server, List<String> follow, List<String> printed) {
        return WorkerProcess.start(new WorkerProcess.WorkerConfig("replayer", new HostPort("127.0.0.1", server.port()),
                "peer.test", tmp, OptionalLong.empty(), follow, TcpSettings.defaults()),
                (stream, instance, token, rows) -> rows.forEach(row -> printed.add(stream + " " + token)));
    }

    @Test
    void aWorkerFollowingEveryStreamCountsItsLinkEstablishedAgainstASynapseMain() throws Exception {
        // a default Synapse main announces 14 streams, not federation: only those are waited for
        List<String> burstOnly = serverLines().stream().filter(l -> !l.startsWith("RDATA ")).toList();
        SqliteStreamStore.open(tmp).close();
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(burstOnly, false);
                WorkerProcess worker = replayWorker(server, List.of(), printed)) {
            worker.client().established().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(worker.engine().receivedTokens()).hasSize(14).doesNotContainKey("federation");
        }
    }

    @Test
    void anRdataAfterThePositionsEndsTheAnnouncementAndRowsFlow() throws Exception {
        SqliteStreamStore.open(tmp).close();
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(serverLines(), false);
                WorkerProcess worker = replayWorker(server, List.of(), printed)) {
            worker.client().established().toCompletableFuture().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> printed.contains("events 14"));
        }
    }

    @Test
    void aFollowedStreamTheSynapseMainDoesNotHaveIsWarnedOfAndDoesNotHoldTheLinkBack() throws Exception {
        SqliteStreamStore.open(tmp).close();
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer(serverLines(), false);
                WorkerProcess worker = replayWorker(server, List.of("events", "federation"), printed)) {
            worker.client().established().toCompletableFuture().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> printed.contains("events 14"));
            assertThat(printed).allMatch(p -> p.startsWith("events "));
        }
    }
}
