package org.myelin.server.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.redis.RedisServer;
import org.myelin.server.CliRun;
import org.myelin.server.Main;

/**
 * The README's Redis quick start, with real processes: {@code myelin main --redis}, {@code myelin worker
 * --redis} and {@code myelin tap --redis} on a throwaway redis-server, rows written through the HTTP API.
 */
class RedisCommandLineTest {
    /** JVM starts on a loaded 2-core machine can take minutes. */
    private static final Duration WAIT = Duration.ofSeconds(240);

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() throws Exception {
        // what each process said, for a failing run
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".err") || f.toString().endsWith(".out")).toList()) {
                System.err.println("==== " + f.getFileName() + "\n" + Files.readString(f));
            }
        }
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void mainWorkerAndTapShareARedisBus() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            int http = freePort();
            Path data = dir.resolve("data");
            Process main = myelin("main", "main", "--data", data.toString(), "--server-name", "demo.test",
                    "--listen-tcp", "127.0.0.1:" + freePort(), "--listen-http", "127.0.0.1:" + http,
                    "--redis", redis.uri());
            HttpClient client = HttpClient.newHttpClient();
            String statusUrl = "http://127.0.0.1:" + http + "/_myelin/v1/status";
            await("main up and on Redis").atMost(WAIT).ignoreExceptions().until(() -> {
                assertThat(main.isAlive()).isTrue();
                JsonNode status = Json.mapper().readTree(get(client, statusUrl));
                return status.path("redis").path("state").asText().equals("connected");
            });
            String to = "http://127.0.0.1:" + http;
            assertThat(CliRun.of("write", "--to", to, "events", "[\"first\"]").status()).isZero();

            Process worker = myelin("worker", "worker", "--name", "w1", "--data", data.toString(), "--server-name",
                    "demo.test", "--redis", redis.uri(), "--from", "0");
            Process tap = myelin("tap", "tap", "--redis", redis.uri(), "--server-name", "demo.test", "--json");
            // the worker caught up on the first row: it is subscribed (the tap says so itself)
            await("worker and tap subscribed").atMost(WAIT).until(() ->
                    rows(dir.resolve("worker.out")).size() == 1
                    && Files.readString(dir.resolve("tap.err")).contains("subscribed"));
            assertThat(CliRun.of("write", "--to", to, "events", "[\"second\"]").status()).isZero();

            await("worker printed both rows").atMost(WAIT).until(() -> rows(dir.resolve("worker.out")).size() >= 2);
            List<String> printed = rows(dir.resolve("worker.out"));
            assertThat(printed).hasSize(2);
            assertThat(printed.get(0)).contains("\"token\":1").contains("first");
            assertThat(printed.get(1)).contains("\"token\":2").contains("second");

            await("tap saw the row").atMost(WAIT).until(() -> Files.readString(dir.resolve("tap.out"))
                    .contains("\"command\":\"RDATA\"") && Files.readString(dir.resolve("tap.out")).contains("second"));

            String metrics = get(client, "http://127.0.0.1:" + http + "/metrics");
            assertThat(metrics).contains("myelin_redis_connected 1").contains("myelin_redis_published_total");
            JsonNode status = Json.mapper().readTree(get(client, statusUrl));
            assertThat(status.path("redis").path("published").asLong()).isPositive();
            assertThat(status.path("redis").path("links_opened").asLong()).isEqualTo(1);
            assertThat(worker.isAlive()).isTrue();
            assertThat(tap.isAlive()).isTrue();
        }
    }

    @Test
    void aBadRedisUriIsABadUsage() {
        CliRun run = CliRun.of("worker", "--name", "w", "--data", dir.toString(), "--redis", "http://nope");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("Redis URI");
    }

    private Process myelin(String label, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(dir.resolve(label + ".out").toFile())
                .redirectError(dir.resolve(label + ".err").toFile())
                .start();
        processes.add(p);
        return p;
    }

    /** The rows a worker printed (logging set-up messages may share standard output in tests). */
    private static List<String> rows(Path out) throws IOException {
        return Files.readAllLines(out).stream().filter(l -> l.startsWith("{\"stream\"")).toList();
    }

    private static String get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
