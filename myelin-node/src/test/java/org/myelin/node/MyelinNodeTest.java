package org.myelin.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.rows.CachesRow;
import org.myelin.core.rows.EventRow;
import org.myelin.core.rows.SynapseRow;
import org.myelin.protocol.RawJson;
import org.myelin.store.sqlite.SqliteStreamStore;

/** The facade over real loopback sockets and real SQLite files. */
class MyelinNodeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final RawJson EVENT =
            RawJson.of("[\"ev\",[\"$1\",\"!r:x\",\"m.room.create\",\"\",null,null,null,0,0]]");

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T t) {
        toClose.add(t);
        return t;
    }

    @Test
    void aWorkerCatchesUpOverHttpThenTakesLiveRowsTyped() throws Exception {
        MyelinNode writer = closing(Myelin.writer("master").writeTo(dir.resolve("main"))
                .listenTcp("127.0.0.1", 0).listenHttp("127.0.0.1", 0, "s3cret").serverName("example.org").start());
        writer.append("events", List.of(EVENT, EVENT), true);
        List<SynapseRow> rows = new CopyOnWriteArrayList<>();
        MyelinNode worker = closing(Myelin.worker("w1").tcp("127.0.0.1", writer.tcpPort()).serverName("example.org")
                .catchUpOverHttp(URI.create("http://127.0.0.1:" + writer.httpPort()), "s3cret")
                .follow("events").resumeFrom(0)
                .onTypedRows((stream, instance, token, batch) -> rows.addAll(batch))
                .start());
        worker.established().get(60, TimeUnit.SECONDS);
        assertThat(rows).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(EventRow.class));
        writer.append("events", List.of(EVENT));
        await().atMost(WAIT).until(() -> rows.size() == 3);
        assertThat(worker.receivedTokens()).containsEntry("events", Map.of("master", 2L));
    }

    @Test
    void aNewStreamReachesAWorkerFollowingEverything() throws Exception {
        MyelinNode writer = closing(Myelin.writer("master").writeTo(dir).listenTcp("127.0.0.1", 0).start());
        List<String> seen = new CopyOnWriteArrayList<>();
        MyelinNode worker = closing(Myelin.worker("w1").tcp("127.0.0.1", writer.tcpPort()).catchUpFrom(dir)
                .onRows((stream, instance, token, rows) -> seen.add(stream + "/" + token + "/" + rows.get(0).text()))
                .start());
        worker.established().get(60, TimeUnit.SECONDS);
        writer.append("my_app.things", List.of(RawJson.of("{\"a\":1}")));
        await().atMost(WAIT).until(() -> seen.contains("my_app.things/1/{\"a\":1}"));
    }

    @Test
    void aNodeCanWriteAndFollowAnotherWriterAtOnce() throws Exception {
        MyelinNode upstream = closing(Myelin.writer("master").writeTo(dir.resolve("up")).listenTcp("127.0.0.1", 0)
                .start());
        List<Long> tokens = new CopyOnWriteArrayList<>();
        SqliteStreamStore upstreamFile = closing(SqliteStreamStore.openExisting(dir.resolve("up")));
        MyelinNode both = closing(Myelin.writer("writer2").writeTo(dir.resolve("two")).listenTcp("127.0.0.1", 0)
                .tcp("127.0.0.1", upstream.tcpPort()).catchUpFrom("master", upstreamFile).follow("events")
                .onRows((stream, instance, token, rows) -> tokens.add(token))
                .start());
        both.established().get(60, TimeUnit.SECONDS);
        upstream.append("events", List.of(EVENT));
        assertThat(both.append("events", List.of(EVENT, EVENT))).containsExactly(1L, 2L);
        await().atMost(WAIT).until(() -> tokens.equals(List.of(1L)));
        assertThat(both.writer().positions()).containsEntry("events", 2L);
    }

    @Test
    void aWriterAppliesItsOwnInvalidationsAndWorkersTheirs() throws Exception {
        CacheInvalidations writerCaches = new CacheInvalidations();
        ReplicatedCache<String> onWriter = writerCaches.register("get_profile", 100);
        MyelinNode writer = closing(Myelin.writer("master").writeTo(dir).listenTcp("127.0.0.1", 0)
                .caches(writerCaches).start());
        CacheInvalidations workerCaches = new CacheInvalidations();
        ReplicatedCache<String> onWorker = workerCaches.register("get_profile", 100);
        MyelinNode worker = closing(Myelin.worker("w1").tcp("127.0.0.1", writer.tcpPort()).catchUpFrom(dir)
                .follow("events").caches(workerCaches).onRows((s, i, t, r) -> {}).start());
        worker.established().get(60, TimeUnit.SECONDS);
        onWriter.put(CacheKey.of("@a:x"), "old");
        onWorker.put(CacheKey.of("@a:x"), "old");
        long token = writer.append("caches", List.of(CachesRow.now("get_profile", List.of("@a:x")).encode())).get(0);
        assertThat(onWriter.getIfPresent(CacheKey.of("@a:x"))).isNull();
        workerCaches.awaitToken("master", token).get(60, TimeUnit.SECONDS);
        assertThat(onWorker.getIfPresent(CacheKey.of("@a:x"))).isNull();
    }

    @Test
    void resumePositionsArePerStreamAndInstance() throws Exception {
        MyelinNode writer = closing(Myelin.writer("master").writeTo(dir).listenTcp("127.0.0.1", 0).start());
        writer.append("events", List.of(EVENT, EVENT, EVENT));
        writer.append("typing", List.of(RawJson.of("[\"!r:x\",[\"@a:x\"]]")));
        List<String> seen = new CopyOnWriteArrayList<>();
        MyelinNode worker = closing(Myelin.worker("w1").tcp("127.0.0.1", writer.tcpPort()).catchUpFrom(dir)
                .follow("events", "typing")
                .resumeFrom(ResumePositions.of(Map.of("events", Map.of("master", 2L), "typing", Map.of("master", 0L))))
                .onRows((stream, instance, token, rows) -> seen.add(stream + token))
                .start());
        worker.established().get(60, TimeUnit.SECONDS);
        assertThat(seen).containsExactlyInAnyOrder("events3", "typing1");
    }

    @Test
    void closeIsOneCallAndCompletesTheFutures() throws Exception {
        MyelinNode writer = Myelin.writer("master").writeTo(dir).listenTcp("127.0.0.1", 0).start();
        int port = writer.tcpPort();
        MyelinNode worker = Myelin.worker("w1").tcp("127.0.0.1", port).catchUpFrom(dir)
                .onRows((s, i, t, r) -> {}).start();
        worker.close();
        worker.close();
        assertThat(worker.closed()).isCompleted();
        writer.close();
        assertThat(writer.closed()).isCompleted();
        assertThatThrownBy(() -> writer.append("events", List.of(EVENT))).isInstanceOf(IllegalStateException.class);
        // a worker closed before its link came up: established fails rather than hanging
        MyelinNode never = Myelin.worker("w2").tcp("127.0.0.1", port).catchUpFrom(dir)
                .onRows((s, i, t, r) -> {}).start();
        never.close();
        assertThatThrownBy(() -> never.established().join()).isInstanceOf(CompletionException.class);
    }

    @Test
    void misconfigurationsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> Myelin.worker("w").onRows((s, i, t, r) -> {}).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tcp(host, port)");
        assertThatThrownBy(() -> Myelin.worker("w").tcp("127.0.0.1", 1).onRows((s, i, t, r) -> {}).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("catchUpFrom");
        assertThatThrownBy(() -> Myelin.worker("w").start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("neither a writer");
        assertThatThrownBy(() -> Myelin.writer("master").writeTo(dir).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("listenTcp");
        assertThatThrownBy(() -> Myelin.worker("w").tcp("127.0.0.1", 70000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Myelin.worker(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
