package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.rows.CachesRow;
import org.myelin.protocol.RawJson;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.EngineLinks;
import org.myelin.tcp.TcpClient;

/**
 * A cache on a worker (built from the library's parts, as an embedder would) is kept coherent by
 * {@code caches} rows a real main process writes, over loopback TCP and by catch-up.
 */
class ReplicatedCacheEndToEndTest {
    private static final long WAIT_SECONDS = 30;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReplicatedCacheEndToEndTest.class);

    @TempDir
    Path data;
    private Cluster cluster;
    private final List<AutoCloseable> worker = new ArrayList<>();
    /** The "database" both sides agree on: the writer changes it, the worker's loader reads it. */
    private final Map<String, String> profiles = new ConcurrentHashMap<>();
    private final AtomicInteger loads = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        for (int i = worker.size() - 1; i >= 0; i--) {
            worker.get(i).close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A worker following {@code caches} with {@code caches} wrapping its handler. */
    private void startWorker(String name, CacheInvalidations caches, ReplicationDataHandler handler,
            Long from) {
        SqliteStreamStore store = SqliteStreamStore.openExisting(cluster.main.data());
        worker.add(store);
        ReplicationEngine.Builder builder = ReplicationEngine.builder(name)
                .follow(InboundStreams.of(Map.of("caches", store.updateFunction("caches"))), caches.wrap(handler));
        if (from != null) {
            builder.startFrom(from);
        }
        ReplicationEngine engine = builder.build();
        worker.add(engine);
        TcpClient client = new TcpClient("127.0.0.1", cluster.main.tcpPort(), name, "test.local", Cluster.FAST,
                new EngineLinks(engine)).start();
        worker.add(client);
    }

    private String read(ReplicatedCache<String> cache, String user) {
        return cache.get(CacheKey.of(user), k -> {
            loads.incrementAndGet();
            return profiles.get(user);
        });
    }

    /** What a writer does: change the data, then append the invalidation; returns the row's token. */
    private long write(String user, String name) {
        profiles.put(user, name);
        List<Long> tokens = cluster.main.append("caches",
                List.of(CachesRow.now("get_profile", List.of(user)).encode()), false);
        return tokens.get(0);
    }

    @Test
    void aReadAfterTheWritesTokenNeverReturnsTheOldValue() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        CacheInvalidations caches = new CacheInvalidations();
        ReplicatedCache<String> cache = caches.register("get_profile", 1000);
        startWorker("w1", caches, (s, i, t, rows) -> {}, null);
        // Connected and positioned: the first POSITION of caches marks the current token applied.
        caches.awaitToken("master", 0).get(WAIT_SECONDS, TimeUnit.SECONDS);

        profiles.put("@a:x", "v0");
        profiles.put("@b:x", "b");
        assertThat(read(cache, "@a:x")).isEqualTo("v0");
        assertThat(read(cache, "@b:x")).isEqualTo("b");
        long[] micros = new long[100];
        for (int v = 1; v <= 100; v++) {
            long start = System.nanoTime();
            long token = write("@a:x", "v" + v);
            caches.awaitToken("master", token).get(WAIT_SECONDS, TimeUnit.SECONDS);
            micros[v - 1] = (System.nanoTime() - start) / 1000;
            assertThat(read(cache, "@a:x")).as("after token %d", token).isEqualTo("v" + v);
            assertThat(read(cache, "@a:x")).isEqualTo("v" + v);
        }
        java.util.Arrays.sort(micros);
        log.info("write to invalidation applied on the worker, 100 writes: median {} us, p90 {} us, max {} us",
                micros[49], micros[89], micros[99]);
        assertThat(read(cache, "@b:x")).as("other keys stay cached").isEqualTo("b");
        assertThat(loads).as("one load per write, plus the first two").hasValue(102);
    }

    @Test
    void csCacheFakeAndWholeCacheRowsFromTheMainReachTheWorker() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        CacheInvalidations caches = new CacheInvalidations();
        ReplicatedCache<String> members = caches.register("get_users_in_room", 1000);
        ReplicatedCache<String> hostJoined = caches.register("is_host_joined", 1000);
        ReplicatedCache<String> profileCache = caches.register("get_profile", 1000);
        List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
        startWorker("w1", caches, (s, i, t, rows) -> rows.forEach(r -> handled.add(t + " " + r)), null);
        caches.awaitToken("master", 0).get(WAIT_SECONDS, TimeUnit.SECONDS);

        members.put(CacheKey.of("!r:x"), "[@a:x]");
        members.put(CacheKey.of("!s:x"), "[@c:x]");
        hostJoined.put(CacheKey.of("!r:x", "y"), "false");
        profileCache.put(CacheKey.of("@a:x"), "A");
        profileCache.put(CacheKey.of("@b:x"), "B");
        List<RawJson> stateRows = CachesRow.currentState("!r:x", List.of("@b:y"), 1).stream()
                .map(CachesRow::encode).toList();
        long t1 = cluster.main.append("caches", stateRows, true).get(0);
        long t2 = cluster.main.append("caches", List.of(RawJson.of("[\"get_profile\",null,1]")), false).get(0);
        caches.awaitToken("master", t2).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(members.getIfPresent(CacheKey.of("!r:x"))).isNull();
        assertThat(members.getIfPresent(CacheKey.of("!s:x"))).isNotNull();
        assertThat(hostJoined.getIfPresent(CacheKey.of("!r:x", "y"))).isNull();
        assertThat(profileCache.estimatedSize()).isZero();
        assertThat(handled).containsExactly(t1 + " [\"cs_cache_fake\",[\"!r:x\",\"@b:y\"],1]",
                t2 + " [\"get_profile\",null,1]");
    }

    @Test
    void rowsWrittenBeforeTheWorkerConnectedAreAppliedByCatchUp() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        CacheInvalidations caches = new CacheInvalidations();
        ReplicatedCache<String> cache = caches.register("get_profile", 1000);
        cache.put(CacheKey.of("@a:x"), "stale");
        cache.put(CacheKey.of("@b:x"), "kept");
        long token = write("@a:x", "fresh");
        write("@c:x", "other");
        startWorker("w1", caches, (s, i, t, rows) -> {}, 0L);
        caches.awaitToken("master", token + 1).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(cache.getIfPresent(CacheKey.of("@a:x"))).isNull();
        assertThat(read(cache, "@a:x")).isEqualTo("fresh");
        assertThat(cache.getIfPresent(CacheKey.of("@b:x"))).isEqualTo("kept");
    }
}
