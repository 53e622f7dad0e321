package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.server.CliRun;

/**
 * The configuration file with real processes: {@code myelin main} started from the printed example
 * (flags moving its ports and data, which also shows flags winning over the file), and a worker
 * started from a file in the shape of a Synapse worker's (found through {@code MYELIN_CONFIG}), whose
 * ports, name and replication address all come from the file.
 */
class ConfigProgramTest {
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final List<String> INFO_LOGS = List.of("-Dlogback.configurationFile=logback.xml");
    private static final Pattern MAIN_PORTS =
            Pattern.compile("replication on 127\\.0\\.0\\.1:(\\d+), HTTP on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern MAIN_METRICS = Pattern.compile("serving metrics on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path tmp;
    private final List<Program> programs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stopAll() {
        programs.forEach(Program::close);
    }

    @Test
    void theExampleRunsAMainAndASynapseWorkerFileRunsAWorker() throws Exception {
        Path example = Files.writeString(tmp.resolve("myelin.yaml"), CliRun.of("config", "example").out());
        Path data = tmp.resolve("data");
        Program main = start("main.log", "main", "--config", example.toString(), "--data", data.toString(),
                "--listen-tcp", "127.0.0.1:0", "--listen-http", "127.0.0.1:0", "--listen-metrics", "127.0.0.1:0");
        Matcher ports = awaitLog(main, MAIN_PORTS);
        int tcpPort = Integer.parseInt(ports.group(1));
        int httpPort = Integer.parseInt(ports.group(2));
        int metricsPort = Integer.parseInt(awaitLog(main, MAIN_METRICS).group(1));
        assertThat(get(metricsPort, "/metrics")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("# TYPE");
        });
        assertThat(get(metricsPort, "/_myelin/v1/status").statusCode()).isEqualTo(404); // metrics only

        int workerHttp = freePort();
        int workerMetrics = freePort();
        Path workerFile = Files.writeString(tmp.resolve("worker.yaml"), """
                worker_app: synapse.app.generic_worker
                worker_name: cfgworker
                worker_log_config: /etc/matrix-synapse/worker-log.yaml
                worker_replication_host: 127.0.0.1
                worker_replication_port: %d
                worker_listeners:
                  - type: http
                    port: %d
                    bind_addresses: ['127.0.0.1']
                    x_forwarded: true
                    resources:
                      - names: [client]
                  - type: metrics
                    port: %d
                    bind_addresses: ['127.0.0.1']
                database:
                  name: sqlite3
                  args:
                    database: %s
                """.formatted(tcpPort, workerHttp, workerMetrics, data));
        // the worker finds its file through MYELIN_CONFIG
        Program worker = Program.start(java.util.Map.of("MYELIN_CONFIG", workerFile.toString()), INFO_LOGS,
                tmp.resolve("worker.log"), true, "worker", "--from", "0");
        programs.add(worker);
        HttpResponse<String> appended = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + "/_myelin/v1/streams/events"))
                .POST(HttpRequest.BodyPublishers.ofString("[[\"ev\",[\"$1\",\"!r:cfg\",\"m.room.create\",\"\",null,null,"
                        + "null,0,0]]]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(appended.statusCode()).as(appended.body()).isEqualTo(200);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(worker.lines()).anySatisfy(
                line -> assertThat(line).contains("\"instance\":\"master\"").contains("!r:cfg")));
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() ->
                assertThat(Json.mapper().readTree(get(workerHttp, "/_myelin/v1/status").body())
                        .get("instance").asText()).isEqualTo("cfgworker"));
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() ->
                assertThat(get(workerMetrics, "/metrics").body()).contains("myelin_received_token"));
        assertThat(worker.err()).contains("ignoring Synapse key worker_app")
                .contains("ignoring Synapse key worker_listeners[0].x_forwarded");
        assertThat(worker.terminate(PATIENCE)).isZero();
        assertThat(main.terminate(PATIENCE)).isZero();
    }

    private Program start(String log, String... args) throws Exception {
        Program p = Program.start(INFO_LOGS, tmp.resolve(log), true, args);
        programs.add(p);
        return p;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A port free now (the file takes 1-65535, not 0); nothing else on loopback races for it in a test. */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Matcher awaitLog(Program p, Pattern pattern) {
        Matcher[] found = new Matcher[1];
        await().atMost(PATIENCE).until(() -> {
            if (!p.process.isAlive()) {
                throw new AssertionError("exited with " + p.process.exitValue() + ":\n" + p.err());
            }
            Matcher m = pattern.matcher(p.err());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }
}
