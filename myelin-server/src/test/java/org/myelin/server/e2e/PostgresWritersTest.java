package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.lettuce.core.RedisURI;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.redis.RedisServer;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;

/**
 * Two writers ({@code myelin main --database URL --instance-name NAME}) on one PostgreSQL database
 * appending to one stream at once, each with a worker catching up from the database: each worker
 * gets its writer's rows once, in order, under its writer's instance name; tokens are never shared;
 * a restarted writer continues its tokens. Also the one-line error of an unreachable database.
 */
class PostgresWritersTest {
    @TempDir
    Path tmp;
    private TestDatabase db;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void createSchema() {
        db = TestDatabase.create("myelin_e2e_");
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

    private String url() {
        return db.url();
    }

    private MainProcess writer(String instance) throws Exception {
        MainProcess main = MainProcess.start(new MainProcess.MainConfig(tmp.resolve(instance), "test.local",
                new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, null, url(), instance));
        open.add(main);
        return main;
    }

    /** What a worker printed: "instance token row". */
    private List<String> worker(String name, MainProcess writer) {
        List<String> rows = new CopyOnWriteArrayList<>();
        ReplicationDataHandler handler = (stream, instance, token, batch) -> {
            for (RawJson row : batch) {
                rows.add(instance + " " + token + " " + row.text());
            }
        };
        WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig(name,
                new HostPort("127.0.0.1", writer.tcpPort()), "test.local", new CatchUpSource.Database(url()),
                OptionalLong.of(0), List.of("events"), Cluster.FAST), handler);
        open.add(worker);
        return rows;
    }

    private MainProcess writerOnRedis(String instance, RedisURI redis) throws Exception {
        MainProcess main = MainProcess.start(new MainProcess.MainConfig(tmp.resolve(instance), "test.local",
                new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, SECRET, url(), instance),
                PresenceSettings.defaults(), false, redis);
        open.add(main);
        return main;
    }

    private static final String SECRET = "pg-test-secret";

    private List<String> workerOnRedis(String name, RedisURI redis, int port) {
        return workerOnRedis(name, redis, port, new CatchUpSource.Database(url()));
    }

    private List<String> workerOnRedis(String name, RedisURI redis, int port, CatchUpSource catchUp) {
        List<String> rows = new CopyOnWriteArrayList<>();
        ReplicationDataHandler handler = (stream, instance, token, batch) -> {
            for (RawJson row : batch) {
                rows.add(instance + " " + token + " " + row.text());
            }
        };
        WorkerProcess worker = WorkerProcess.startOnRedis(new WorkerProcess.WorkerConfig(name,
                new HostPort("127.0.0.1", port), "test.local", catchUp,
                OptionalLong.of(0), List.of("events"), Cluster.FAST), redis, handler);
        open.add(worker);
        return rows;
    }

    @Test
    void twoWritersOnOneRedisBusReachEveryWorkerWithEachWritersRowsOnceInItsOrder() throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            RedisURI redis = RedisURI.create(redisServer.uri());
            MainProcess one = writerOnRedis("writer1", redis);
            MainProcess two = writerOnRedis("writer2", redis);
            List<Long> oneTokens = new ArrayList<>(append(one, "a", 1, 20));
            List<Long> twoTokens = new ArrayList<>(append(two, "b", 1, 20));
            // both workers hear both writers on the bus, and catch up on either from the database
            List<String> w1 = workerOnRedis("w1", redis, one.tcpPort());
            List<String> w2 = workerOnRedis("w2", redis, one.tcpPort());
            // and one catching up over HTTP from the writer that wrote the rows
            List<String> w3 = workerOnRedis("w3", redis, one.tcpPort(), new CatchUpSource.OverHttpPerWriter(
                    java.util.Map.of("writer1", java.net.URI.create("http://127.0.0.1:" + one.httpPort()),
                            "writer2", java.net.URI.create("http://127.0.0.1:" + two.httpPort())), null, SECRET));
            CompletableFuture<List<Long>> a = CompletableFuture.supplyAsync(() -> append(one, "a", 21, 150));
            CompletableFuture<List<Long>> b = CompletableFuture.supplyAsync(() -> append(two, "b", 21, 150));
            oneTokens.addAll(a.get(120, TimeUnit.SECONDS));
            twoTokens.addAll(b.get(120, TimeUnit.SECONDS));

            List<String> expectedOne = new ArrayList<>();
            List<String> expectedTwo = new ArrayList<>();
            for (int i = 0; i < 170; i++) {
                expectedOne.add("writer1 " + oneTokens.get(i) + " [\"a" + (i + 1) + "\"]");
                expectedTwo.add("writer2 " + twoTokens.get(i) + " [\"b" + (i + 1) + "\"]");
            }
            List<List<String>> seens = List.of(w1, w2, w3);
            for (List<String> seen : seens) {
                await().atMost(Duration.ofSeconds(120)).until(() -> seen.size() >= 340);
                assertThat(seen.stream().filter(l -> l.startsWith("writer1 ")).toList())
                        .containsExactlyElementsOf(expectedOne);
                assertThat(seen.stream().filter(l -> l.startsWith("writer2 ")).toList())
                        .containsExactlyElementsOf(expectedTwo);
                assertThat(seen).hasSize(340);
            }
            // each worker's safe position: once both writers are idle, the last token of either (the
            // writer that finished first moves its position up to the other's)
            long safe = Math.max(oneTokens.get(169), twoTokens.get(169));
            for (AutoCloseable c : open) {
                if (c instanceof WorkerProcess worker) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> worker.engine().safePositions()
                            .getOrDefault("events", 0L) == safe);
                }
            }
        }
    }

    private static List<Long> append(MainProcess main, String prefix, int from, int n) {
        List<Long> tokens = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            tokens.addAll(main.append("events", List.of(RawJson.of("[\"" + prefix + i + "\"]")), false));
        }
        return tokens;
    }

    @Test
    void twoWritersOfOneStreamEachStreamTheirOwnRowsAndNeverShareAToken() throws Exception {
        MainProcess one = writer("writer1");
        MainProcess two = writer("writer2");
        // rows written before the workers connect come from the database, the rest live
        List<Long> oneTokens = new ArrayList<>(append(one, "a", 1, 20));
        List<Long> twoTokens = new ArrayList<>(append(two, "b", 1, 20));
        List<String> seenOne = worker("w1", one);
        List<String> seenTwo = worker("w2", two);
        CompletableFuture<List<Long>> a = CompletableFuture.supplyAsync(() -> append(one, "a", 21, 200));
        CompletableFuture<List<Long>> b = CompletableFuture.supplyAsync(() -> append(two, "b", 21, 200));
        oneTokens.addAll(a.get(120, TimeUnit.SECONDS));
        twoTokens.addAll(b.get(120, TimeUnit.SECONDS));

        Set<Long> all = new HashSet<>(oneTokens);
        all.addAll(twoTokens);
        assertThat(all).as("no token shared by the two writers").hasSize(440);

        List<String> expectedOne = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
            expectedOne.add("writer1 " + oneTokens.get(i) + " [\"a" + (i + 1) + "\"]");
        }
        List<String> expectedTwo = new ArrayList<>();
        for (int i = 0; i < 220; i++) {
            expectedTwo.add("writer2 " + twoTokens.get(i) + " [\"b" + (i + 1) + "\"]");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> seenOne.size() >= 220 && seenTwo.size() >= 220);
        assertThat(seenOne).containsExactlyElementsOf(expectedOne);
        assertThat(seenTwo).containsExactlyElementsOf(expectedTwo);
        assertThat(one.status().get("instance").asText()).isEqualTo("writer1");

        // A restarted writer continues its tokens after everything handed out so far.
        long last = all.stream().max(Long::compare).orElseThrow();
        two.close();
        MainProcess again = writer("writer2");
        assertThat(again.append("events", List.of(RawJson.of("[\"b221\"]")), false).get(0)).isGreaterThan(last);
    }

    @Test
    void anUnreachableDatabaseIsOneLineAndStatusOne() throws Exception {
        try (Program main = Program.start(tmp.resolve("main.err"), "main", "--database",
                "jdbc:postgresql://127.0.0.1:1/test?user=postgres", "--listen-tcp", "127.0.0.1:0",
                "--listen-http", "127.0.0.1:0")) {
            assertThat(main.waitFor(Duration.ofSeconds(60))).isEqualTo(1);
            assertThat(main.err()).contains("myelin main: cannot start: Cannot connect to PostgreSQL 127.0.0.1:1/test: ")
                    .doesNotContain("\tat ");
        }
    }
}
