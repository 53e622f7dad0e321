package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.protocol.RawJson;
import org.myelin.redis.RedisServer;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;

/**
 * The randomized writer/worker test on PostgreSQL (fixed seed): two writer processes append to one
 * stream at once, one of them going idle half way, over one Redis bus; three workers follow it, one
 * catching up from the database, one over HTTP from the writer that wrote the rows, one switching
 * between the two, each restarted at random points from where it stopped (as {@code --state} does).
 * Every row of both writers arrives once, in each writer's order; no row arrives at or below a safe
 * position its worker already reported; and once the writers stop, the safe position reaches the
 * last row although one writer has been idle all along (idle writers advance).
 */
class PostgresRandomizedTest {
    private static final long SEED = 20261129L;
    private static final String SECRET = "pg-random-secret";
    private static final String STREAM = "events";
    private static final List<String> WRITERS = List.of("writer1", "writer2");

    @TempDir
    Path tmp;
    private TestDatabase db;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void createSchema() {
        db = TestDatabase.create("myelin_rnd_");
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

    /** One run of a worker process: its safe position, the highest it reported so far. */
    private record Run(WorkerProcess worker, AtomicLong highestSafe) {}

    /** A worker across its restarts: what it printed, where it resumes, its current run. */
    private final class Slot {
        final String name;
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Map<String, Long> last = new ConcurrentHashMap<>();
        volatile Run run;
        int runs;

        Slot(String name) {
            this.name = name;
            WRITERS.forEach(w -> last.put(w, 0L));
        }

        CatchUpSource catchUp(Map<String, URI> writerUrls) {
            boolean overHttp = name.equals("http") || (name.equals("mixed") && runs % 2 == 1);
            return overHttp ? new CatchUpSource.OverHttpPerWriter(writerUrls, null, SECRET)
                    : new CatchUpSource.Database(db.url());
        }
    }

    @Test
    void everyRowOfBothWritersArrivesOnceInEachWritersOrderAndTheSafePositionNeverPassesARowNotSeen()
            throws Exception {
        Random random = new Random(SEED);
        List<String> violations = new CopyOnWriteArrayList<>();
        try (RedisServer redisServer = RedisServer.start()) {
            RedisURI redis = RedisURI.create(redisServer.uri());
            List<MainProcess> writers = new ArrayList<>();
            for (String name : WRITERS) {
                MainProcess main = MainProcess.start(new MainProcess.MainConfig(tmp.resolve(name), "test.local",
                        new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, SECRET, db.url(),
                        name), PresenceSettings.defaults(), false, redis);
                open.add(main);
                writers.add(main);
            }
            Map<String, URI> writerUrls = Map.of(
                    "writer1", URI.create("http://127.0.0.1:" + writers.get(0).httpPort()),
                    "writer2", URI.create("http://127.0.0.1:" + writers.get(1).httpPort()));
            // both writers have a position before any worker starts (a worker counts the writers it resumes)
            Map<String, List<String>> acked = new ConcurrentHashMap<>();
            for (int w = 0; w < 2; w++) {
                acked.put(WRITERS.get(w), new CopyOnWriteArrayList<>());
                append(writers.get(w), WRITERS.get(w), 0, new Random(SEED + w), acked.get(WRITERS.get(w)));
            }

            List<Slot> slots = List.of(new Slot("db"), new Slot("http"), new Slot("mixed"));
            for (Slot slot : slots) {
                start(slot, redis, writers.get(0).tcpPort(), writerUrls, violations);
            }
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    for (Slot slot : slots) {
                        Run run = slot.run;
                        Long safe = run == null ? null : run.worker().engine().safePositions().get(STREAM);
                        if (safe != null) {
                            run.highestSafe().accumulateAndGet(safe, Math::max);
                        }
                    }
                    LockSupport.parkNanos(500_000);
                }
            }, "safe-position-sampler");
            sampler.start();

            // writer1 appends 110 times, writer2 40 times and then stays idle; at 6 random points of
            // writer1's run (while writer2 may be writing too) a random worker is stopped and restarted
            int[] appends = {110, 40};
            java.util.Set<Integer> restartAt = new java.util.TreeSet<>();
            while (restartAt.size() < 6) {
                restartAt.add(5 + random.nextInt(100));
            }
            java.util.concurrent.atomic.AtomicInteger restarts = new java.util.concurrent.atomic.AtomicInteger();
            List<CompletableFuture<Void>> writing = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writing.add(CompletableFuture.runAsync(() -> {
                    Random r = new Random(SEED * 31 + writer);
                    for (int i = 1; i <= appends[writer]; i++) {
                        if (writer == 0 && restartAt.contains(i)) {
                            Slot slot = slots.get(random.nextInt(slots.size()));
                            slot.run.worker().close();
                            start(slot, redis, writers.get(0).tcpPort(), writerUrls, violations);
                            restarts.incrementAndGet();
                        }
                        append(writers.get(writer), WRITERS.get(writer), i, r, acked.get(WRITERS.get(writer)));
                    }
                }));
            }
            CompletableFuture.allOf(writing.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            assertThat(restarts.get()).as("workers restarted mid-stream").isEqualTo(6);

            long lastToken = acked.values().stream().flatMap(List::stream)
                    .mapToLong(line -> Long.parseLong(line.split(" ")[1])).max().orElseThrow();
            for (Slot slot : slots) {
                for (String writer : WRITERS) {
                    List<String> expected = acked.get(writer);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ofWriter(slot.seen, writer))
                            .as("%s's rows on worker %s (%d runs, status %s)", writer, slot.name, slot.runs,
                                    slot.run.worker().status())
                            .containsExactlyElementsOf(expected));
                }
                // writer2 has been idle for a while: it moved its position along with writer1's
                await().atMost(Duration.ofSeconds(30)).until(() -> slot.run.worker().engine().safePositions()
                        .getOrDefault(STREAM, 0L) == lastToken);
            }
            sampling.set(false);
            sampler.join(10_000);
            assertThat(violations).as("rows delivered at or below a safe position already reported").isEmpty();
        }
    }

    private static List<String> ofWriter(List<String> seen, String writer) {
        return seen.stream().filter(line -> line.startsWith(writer + " ")).toList();
    }

    /** Appends 1-3 rows (sharing a token or not) and records them as "writer token row" once acknowledged. */
    private static void append(MainProcess main, String writer, int n, Random r, List<String> acked) {
        int count = 1 + r.nextInt(3);
        boolean sameToken = r.nextBoolean();
        List<RawJson> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(RawJson.of("[\"" + writer + "-" + n + "-" + i + "\"]"));
        }
        List<Long> tokens = main.append(STREAM, rows, sameToken);
        for (int i = 0; i < count; i++) {
            acked.add(writer + " " + tokens.get(i) + " " + rows.get(i).text());
        }
    }

    /** Starts the slot's next run, resuming each writer after the last token it printed. */
    private void start(Slot slot, RedisURI redis, int anyTcpPort, Map<String, URI> writerUrls, List<String> violations) {
        AtomicLong highestSafe = new AtomicLong(-1);
        CatchUpSource catchUp = slot.catchUp(writerUrls);
        WorkerProcess worker = WorkerProcess.startOnRedis(new WorkerProcess.WorkerConfig(slot.name + slot.runs,
                new HostPort("127.0.0.1", anyTcpPort), "test.local", catchUp,
                ResumePositions.of(Map.of(STREAM, Map.copyOf(slot.last))), List.of(STREAM), Cluster.FAST), redis,
                (stream, instance, token, rows) -> {
                    long safe = highestSafe.get();
                    if (token <= safe) {
                        violations.add(slot.name + " run " + slot.runs + ": " + instance + " token " + token
                                + " delivered after the safe position reached " + safe);
                    }
                    for (RawJson row : rows) {
                        slot.seen.add(instance + " " + token + " " + row.text());
                    }
                    slot.last.put(instance, token);
                });
        open.add(worker);
        slot.run = new Run(worker, highestSafe);
        slot.runs++;
    }
}
