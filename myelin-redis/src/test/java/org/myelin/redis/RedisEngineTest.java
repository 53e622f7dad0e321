package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.redis.Bus.Delivered;
import org.myelin.redis.Bus.Worker;
import org.myelin.redis.Bus.Writer;

/** A writer and workers over a real redis-server: every row once, in order, whatever happens. */
class RedisEngineTest {
    @TempDir
    Path dir;

    @Test
    void rowsReachEveryWorkerOnceInOrder() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events", "typing");
            writer.transport().firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<Worker> workers = List.of(bus.worker("w1", OptionalLong.of(0), "events", "typing"),
                    bus.worker("w2", OptionalLong.of(0), "events", "typing"));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String row = "[\"r" + i + "\"]";
                writer.append("events", false, row);
                expected.add(row);
            }
            for (Worker w : workers) {
                await().atMost(Bus.WAIT).until(() -> w.rows("events").size() >= expected.size());
                assertThat(w.rows("events")).extracting(Delivered::row).containsExactlyElementsOf(expected);
                assertThat(w.rows("events")).extracting(Delivered::token).isSorted();
            }
            assertThat(writer.transport().metrics().published()).isGreaterThanOrEqualTo(200);
            assertThat(writer.transport().metrics().reconnects()).isZero();
        }
    }

    /**
     * The randomized writer/worker test over Redis: random batches (some sharing a token) on two streams,
     * workers whose Redis link is dropped and reopened at random; every row once, in order.
     */
    @Test
    void randomizedWritesAndLinkDropsDeliverEveryRowOnceInOrder() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events", "caches");
            writer.transport().firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                workers.add(bus.worker("w" + i, OptionalLong.of(0), "events", "caches"));
            }
            List<String> events = new ArrayList<>();
            List<String> caches = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                boolean onEvents = random.nextBoolean();
                int n = 1 + random.nextInt(4);
                String[] rows = new String[n];
                for (int i = 0; i < n; i++) {
                    rows[i] = "[" + step + "," + i + "]";
                }
                writer.append(onEvents ? "events" : "caches", random.nextBoolean(), rows);
                (onEvents ? events : caches).addAll(List.of(rows));
                if (random.nextInt(40) == 0) {
                    workers.get(random.nextInt(workers.size())).reconnect(bus);
                }
            }
            for (Worker w : workers) {
                await("worker " + w.name + " (seed " + seed + ")").atMost(Bus.WAIT)
                        .until(() -> w.rows("events").size() >= events.size() && w.rows("caches").size() >= caches.size());
                assertThat(w.rows("events")).as("seed %d", seed).extracting(Delivered::row).containsExactlyElementsOf(events);
                assertThat(w.rows("caches")).as("seed %d", seed).extracting(Delivered::row).containsExactlyElementsOf(caches);
            }
        }
    }

    @Test
    void redisKilledMidStreamAndRestartedEveryWorkerConverges() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events");
            List<Worker> workers = List.of(bus.worker("w1", OptionalLong.of(0), "events"),
                    bus.worker("w2", OptionalLong.of(0), "events"));
            for (Worker w : workers) {
                w.transport.firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                if (i == 100) {
                    redis.kill();
                }
                if (i == 200) {
                    redis.restart(null);
                }
                String row = "[" + i + "]";
                writer.append("events", false, row);
                expected.add(row);
            }
            for (Worker w : workers) {
                await("worker " + w.name).atMost(Bus.WAIT).until(() -> w.rows("events").size() >= expected.size());
                assertThat(w.rows("events")).extracting(Delivered::row).containsExactlyElementsOf(expected);
                assertThat(w.transport.metrics().reconnectsByCause()).containsKey("lost");
            }
            // and the bus is live again
            writer.append("events", false, "[\"after\"]");
            for (Worker w : workers) {
                await().atMost(Bus.WAIT).until(() -> w.rows("events").size() == expected.size() + 1);
            }
        }
    }

    @Test
    void aClientWithoutTheNewPasswordRecoversOnceRedisIsFixed() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events");
            Worker worker = bus.worker("w1", OptionalLong.of(0), "events");
            worker.transport.firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            writer.append("events", false, "[1]");
            await().atMost(Bus.WAIT).until(() -> worker.rows("events").size() == 1);

            redis.stop();
            redis.restart("s3cret");
            await("AUTH failures counted").atMost(Bus.WAIT).until(() ->
                    worker.transport.metrics().reconnectsByCause().getOrDefault("auth", 0L) >= 2
                    && writer.transport().metrics().reconnectsByCause().getOrDefault("auth", 0L) >= 2);
            writer.append("events", false, "[2]");

            StatefulRedisConnection<String, String> admin = bus.plainClient(redis.uri("s3cret"));
            admin.sync().configSet("requirepass", "");
            writer.append("events", false, "[3]");
            await("recovered").atMost(Bus.WAIT).until(() -> worker.rows("events").size() == 3);
            assertThat(worker.rows("events")).extracting(Delivered::row).containsExactly("[1]", "[2]", "[3]");
            assertThat(worker.transport.state()).isEqualTo(RedisState.CONNECTED);
        }
    }

    @Test
    void aLateWorkerCatchesUpFromTheStoreThenFollowsLive() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                expected.add("[" + i + "]");
                writer.append("events", false, "[" + i + "]");
            }
            Worker late = bus.worker("late", OptionalLong.of(0), "events");
            await().atMost(Bus.WAIT).until(() -> late.rows("events").size() == 150);
            for (int i = 150; i < 200; i++) {
                expected.add("[" + i + "]");
                writer.append("events", false, "[" + i + "]");
            }
            await().atMost(Bus.WAIT).until(() -> late.rows("events").size() == 200);
            assertThat(late.rows("events")).extracting(Delivered::row).containsExactlyElementsOf(expected);
            assertThat(late.engine.receiver().catchUps()).isPositive();
        }
    }

    @Test
    void garbageOnTheChannelIsCountedAndSkipped() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer("events");
            Worker worker = bus.worker("w1", OptionalLong.of(0), "events");
            worker.transport.firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            writer.append("events", false, "[1]");
            await().atMost(Bus.WAIT).until(() -> worker.rows("events").size() == 1);

            StatefulRedisConnection<String, String> plain = bus.plainClient(redis.uri());
            for (String junk : List.of("garbage", "RDATA events", "POSITION events master x y", "", "RDATA events master notatoken [1]", "NOT_A_COMMAND x")) {
                plain.sync().publish(Bus.SERVER, junk);
            }
            writer.append("events", false, "[2]");
            await().atMost(Bus.WAIT).until(() -> worker.rows("events").size() == 2
                    && worker.transport.metrics().parseFailures() >= 5);
            assertThat(worker.rows("events")).extracting(Delivered::row).containsExactly("[1]", "[2]");
            // Redis PINGs on the subscribed connection (every 2 s here) are answered: the link stays up
            await().atMost(Bus.WAIT).until(() -> worker.transport.metrics().pingsSent() >= 2);
            assertThat(worker.transport.metrics().reconnects()).isZero();
            assertThat(worker.transport.state()).isEqualTo(RedisState.CONNECTED);
        }
    }
}
