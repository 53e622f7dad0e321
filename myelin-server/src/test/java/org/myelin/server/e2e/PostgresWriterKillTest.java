package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisURI;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import org.myelin.redis.RedisServer;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;

/**
 * A whole {@code myelin main} writer process (a child JVM on PostgreSQL and Redis) killed with
 * {@code kill -9} while its HTTP appends are in flight, beside a second writer of the same stream,
 * then started again: no token is reused, no row the API acknowledged (HTTP 200) is lost, the
 * worker is not stuck on the gap (the other writer's rows keep reaching it while the first is
 * down), the restarted writer continues its tokens, and the worker's safe position reaches the last
 * row once both writers are idle.
 */
class PostgresWriterKillTest {
    private static final String STREAM = "events";

    @TempDir
    Path tmp;
    private TestDatabase db;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void createSchema() {
        db = TestDatabase.create("myelin_kill_");
    }

    @AfterEach
    void dropSchema() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** A row and the token the API answered for it. */
    private record Acked(long token, String row) {}

    @Test
    void aWriterKilledMidAppendLosesNoAcknowledgedRowReusesNoTokenAndStallsNoReader() throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            RedisURI redis = RedisURI.create(redisServer.uri());
            int httpPort = freePort();
            Program first = writer1(redisServer.uri(), httpPort, "writer1.0.log");
            MainProcess writer2 = MainProcess.start(new MainProcess.MainConfig(tmp.resolve("writer2"), "test.local",
                    new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, null, db.url(),
                    "writer2"), PresenceSettings.defaults(), false, redis);
            open.add(writer2);
            List<Acked> ackedOne = new CopyOnWriteArrayList<>();
            List<Acked> ackedTwo = new CopyOnWriteArrayList<>();
            ackedOne.add(post(httpPort, "[\"a-0\"]")); // both writers have a position before the worker starts
            ackedTwo.add(new Acked(writer2.append(STREAM, List.of(RawJson.of("[\"b-0\"]")), false).get(0), "[\"b-0\"]"));

            List<String> seen = new CopyOnWriteArrayList<>();
            WorkerProcess worker = WorkerProcess.startOnRedis(new WorkerProcess.WorkerConfig("w1",
                    new HostPort("127.0.0.1", writer2.tcpPort()), "test.local", new CatchUpSource.Database(db.url()),
                    ResumePositions.of(Map.of(STREAM, Map.of("writer1", 0L, "writer2", 0L))), List.of(STREAM),
                    Cluster.FAST), redis, (stream, instance, token, rows) -> {
                        for (RawJson row : rows) {
                            seen.add(instance + " " + token + " " + row.text());
                        }
                    });
            open.add(worker);

            // writer2 writes all along; writer1 gets concurrent HTTP appends until it is killed
            AtomicBoolean twoWrites = new AtomicBoolean(true);
            CompletableFuture<Void> two = CompletableFuture.runAsync(() -> {
                for (int i = 1; twoWrites.get(); i++) {
                    String row = "[\"b-" + i + "\"]";
                    ackedTwo.add(new Acked(writer2.append(STREAM, List.of(RawJson.of(row)), false).get(0), row));
                }
            });
            List<CompletableFuture<Void>> appenders = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                appenders.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 1; ; i++) {
                            ackedOne.add(post(httpPort, "[\"a-" + thread + "-" + i + "\"]"));
                        }
                    } catch (Exception killed) {
                        // the writer was killed: this append may or may not have been committed
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ackedOne.size() >= 30);
            first.process.destroyForcibly(); // SIGKILL, appends in flight
            assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture.allOf(appenders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long oneBefore = maxToken("writer1");

            // the reader is not stuck on writer1's gap: writer2's rows keep arriving
            int twoSeen = ofWriter(seen, "writer2").size();
            await().atMost(Duration.ofSeconds(30)).until(() -> ofWriter(seen, "writer2").size() >= twoSeen + 10);

            Program second = writer1(redisServer.uri(), httpPort, "writer1.1.log");
            List<Acked> afterRestart = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                afterRestart.add(post(httpPort, "[\"a-again-" + i + "\"]"));
            }
            ackedOne.addAll(afterRestart);
            twoWrites.set(false);
            two.get(60, TimeUnit.SECONDS);
            assertThat(afterRestart.get(0).token()).as("the restarted writer continues after its tokens")
                    .isGreaterThan(oneBefore);

            List<String> storedOne = stored("writer1");
            List<String> storedTwo = stored("writer2");
            assertThat(tokensOf(storedOne)).as("no token is shared by the two writers")
                    .doesNotContainAnyElementsOf(tokensOf(storedTwo));
            assertThat(storedOne).as("every acknowledged row of the killed writer is stored")
                    .containsAll(ackedOne.stream().map(a -> "writer1 " + a.token() + " " + a.row()).toList());
            assertThat(storedTwo).containsExactlyElementsOf(
                    ackedTwo.stream().map(a -> "writer2 " + a.token() + " " + a.row()).toList());
            // the worker prints what is stored, each writer's rows once and in order (a row committed
            // just before the kill but never acknowledged counts too: it is there)
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(ofWriter(seen, "writer1")).containsExactlyElementsOf(storedOne));
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(ofWriter(seen, "writer2")).containsExactlyElementsOf(storedTwo));
            long last = Math.max(maxToken("writer1"), maxToken("writer2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> worker.engine().safePositions()
                    .getOrDefault(STREAM, 0L) == last);
            second.close();
        }
    }

    private Program writer1(String redisUri, int httpPort, String log) throws Exception {
        Program p = Program.start(tmp.resolve(log), "main", "--database", db.url(), "--instance-name", "writer1",
                "--redis", redisUri, "--server-name", "test.local", "--listen-tcp", "127.0.0.1:0",
                "--listen-http", "127.0.0.1:" + httpPort, "--data", tmp.resolve("writer1").toString());
        open.add(p);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            if (!p.process.isAlive()) {
                throw new AssertionError("writer1 exited with " + p.process.exitValue() + ":\n" + p.err());
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/_myelin/v1/status")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        });
        return p;
    }

    /** Appends one row over writer1's HTTP API; throws unless it is acknowledged (200). */
    private Acked post(int port, String row) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/_myelin/v1/streams/" + STREAM))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("[" + row + "]")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        JsonNode tokens = Json.parse(r.body()).get("tokens");
        return new Acked(tokens.get(0).asLong(), row);
    }

    /** A writer's stored rows, "instance token row", in token order. */
    private List<String> stored(String instance) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db.url());
                PreparedStatement s = c.prepareStatement("SELECT token, row_json FROM " + db.schema()
                        + ".stream_rows WHERE stream = ? AND instance = ? ORDER BY token, seq")) {
            s.setString(1, STREAM);
            s.setString(2, instance);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(instance + " " + rs.getLong(1) + " " + rs.getString(2));
                }
            }
        }
        return rows;
    }

    private long maxToken(String instance) throws Exception {
        List<String> rows = stored(instance);
        return rows.isEmpty() ? 0 : tokensOf(rows).get(rows.size() - 1);
    }

    private static List<Long> tokensOf(List<String> lines) {
        return lines.stream().map(l -> Long.parseLong(l.split(" ")[1])).toList();
    }

    private static List<String> ofWriter(List<String> seen, String writer) {
        return seen.stream().filter(line -> line.startsWith(writer + " ")).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
