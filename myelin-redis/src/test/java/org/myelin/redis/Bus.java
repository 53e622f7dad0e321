package org.myelin.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.protocol.RawJson;
import org.myelin.store.sqlite.SqliteStreamStore;

/** Writers and workers of one test on one Redis, closed together. */
final class Bus implements AutoCloseable {
    static final String SERVER = "bus.test";
    static final Duration WAIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> open = new ArrayList<>();
    final RedisServer redis;
    final Path dir;

    Bus(RedisServer redis, Path dir) {
        this.redis = redis;
        this.dir = dir;
    }

    /** Short timings so that tests see failures and reconnects quickly. */
    static RedisSettings settings() {
        return RedisSettings.defaults(SERVER).withTimings(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofMillis(50), Duration.ofMillis(500));
    }

    <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** A writer of {@code streams} (instance {@code master}) storing rows in SQLite. */
    Writer writer(String... streams) {
        return writer(settings(), streams);
    }

    Writer writer(RedisSettings settings, String... streams) {
        SqliteStreamStore store = track(SqliteStreamStore.open(dir));
        ReplicationEngine.Builder b = ReplicationEngine.builder("master");
        for (String s : streams) {
            b.write(new OutboundStream(s, () -> store.currentToken(s, "master"), store.updateFunction(s)));
        }
        ReplicationEngine engine = track(b.build());
        RedisTransport transport = track(RedisTransport.start(RedisTransport.parseUri(redis.uri()), settings,
                new EngineBus(engine)));
        return new Writer(store, engine, transport);
    }

    /** A worker following {@code streams}, catching up from the writer's SQLite file. */
    Worker worker(String name, OptionalLong from, String... streams) {
        return workerAt(redis.uri(), name, from, streams);
    }

    Worker workerAt(String uri, String name, OptionalLong from, String... streams) {
        return worker(uri, settings(), name, from, streams);
    }

    Worker worker(String uri, RedisSettings settings, String name, OptionalLong from, String... streams) {
        SqliteStreamStore store = track(SqliteStreamStore.openExisting(dir));
        Map<String, org.myelin.core.stream.UpdateFunction> fns = new java.util.HashMap<>();
        for (String s : streams) {
            fns.put(s, store.updateFunction(s));
        }
        Worker worker = new Worker(name);
        ReplicationEngine.Builder b = ReplicationEngine.builder(name).follow(InboundStreams.of(fns), worker);
        from.ifPresent(b::startFrom);
        worker.engine = track(b.build());
        worker.transport = track(RedisTransport.start(RedisTransport.parseUri(uri), settings,
                new EngineBus(worker.engine)));
        return worker;
    }

    /** A plain Redis client (not Myelin) for publishing by hand. */
    StatefulRedisConnection<String, String> plainClient(String uri) {
        RedisClient client = RedisClient.create(uri);
        track(client::shutdown);
        return track(client.connect());
    }

    @Override
    public void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    record Writer(SqliteStreamStore store, ReplicationEngine engine, RedisTransport transport) {
        List<Long> append(String stream, boolean sameToken, String... rows) {
            List<Long> tokens = store.append(stream, "master",
                    java.util.Arrays.stream(rows).map(RawJson::of).toList(), sameToken);
            engine.poke();
            return tokens;
        }
    }

    /** Records every row delivered, per stream, in delivery order. */
    static final class Worker implements ReplicationDataHandler {
        final String name;
        final Map<String, List<Delivered>> rows = new ConcurrentHashMap<>();
        ReplicationEngine engine;
        RedisTransport transport;

        Worker(String name) {
            this.name = name;
        }

        @Override
        public void onRows(String stream, String instance, long token, List<RawJson> batch) {
            List<Delivered> list = rows.computeIfAbsent(stream, s -> new CopyOnWriteArrayList<>());
            for (RawJson r : batch) {
                list.add(new Delivered(instance, token, r.text()));
            }
        }

        List<Delivered> rows(String stream) {
            return rows.getOrDefault(stream, List.of());
        }

        /** Replaces the Redis transport by a new one (a link drop, as if the process reconnected). */
        void reconnect(Bus bus) {
            transport.close();
            transport = bus.track(RedisTransport.start(RedisTransport.parseUri(bus.redis.uri()), settings(),
                    new EngineBus(engine)));
        }
    }

    record Delivered(String instance, long token, String row) {}
}
