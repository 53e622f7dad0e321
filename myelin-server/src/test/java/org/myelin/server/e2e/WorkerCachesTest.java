package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.inbound.ReplicationDataHandler;
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
 * Any process may write the {@code caches} stream (Synapse's is multi-writer): a worker started to
 * write caches ({@code myelin worker --write-caches}) appends rows POSTed to its HTTP port under its
 * own name to the shared PostgreSQL store and streams them on Redis; another worker applies them to
 * its {@code ReplicatedCache} (and the main's caches rows too, from the same token sequence); a
 * worker started later catches up on them from the database, the writing worker answering its
 * {@code REPLICATE} with its {@code caches} position.
 */
class WorkerCachesTest {
    private static final String ROW = "[\"get_profile\",[\"@a:x\"],1700000000000]";

    @TempDir
    Path tmp;
    private TestDatabase db;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void createSchema() {
        db = TestDatabase.create("myelin_caches_");
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

    private WorkerProcess worker(String name, RedisURI redis, int port, ResumePositions resume,
            ReplicationDataHandler handler, boolean writeCaches) {
        WorkerProcess w = WorkerProcess.startOnRedis(new WorkerProcess.WorkerConfig(name,
                new HostPort("127.0.0.1", port), "test.local", new CatchUpSource.Database(db.url()), resume,
                List.of(CacheInvalidations.STREAM), Cluster.FAST), redis, handler,
                WorkerProcess.Presence.forName(name), writeCaches);
        open.add(w);
        return w;
    }

    private static ReplicationDataHandler recorder(List<String> seen) {
        return (stream, instance, token, rows) -> rows.forEach(r -> seen.add(instance + " " + token + " " + r.text()));
    }

    @Test
    void aWorkerWritesCachesRowsUnderItsOwnNameAndOtherProcessesInvalidate() throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            RedisURI redis = RedisURI.create(redisServer.uri());
            MainProcess main = MainProcess.start(new MainProcess.MainConfig(tmp.resolve("main"), "test.local",
                    new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, null, db.url(),
                    "master"), PresenceSettings.defaults(), false, redis);
            open.add(main);
            long mainToken = main.append(CacheInvalidations.STREAM, List.of(RawJson.of(ROW)), false).get(0);

            WorkerProcess writing = worker("w1", redis, main.tcpPort(), ResumePositions.atAnnounced(),
                    (stream, instance, token, rows) -> {}, true);
            int port = writing.listenHttp("127.0.0.1", 0);
            CacheInvalidations caches = new CacheInvalidations();
            ReplicatedCache<String> names = caches.register("get_profile", 100);
            List<String> seen = new CopyOnWriteArrayList<>();
            WorkerProcess reading = worker("w2", redis, main.tcpPort(),
                    ResumePositions.of(Map.of(CacheInvalidations.STREAM, Map.of("master", mainToken))),
                    caches.wrap(recorder(seen)), false);
            await().atMost(Duration.ofSeconds(30)).until(() -> reading.engine().receivedTokens()
                    .getOrDefault(CacheInvalidations.STREAM, Map.of()).containsKey("w1"));
            assertThat(names.get(CacheKey.of("@a:x"), k -> "Al")).isEqualTo("Al");

            HttpResponse<String> posted = post(port, "caches", "[" + ROW + "]");
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            long token = Json.parse(posted.body()).get("tokens").get(0).asLong();
            assertThat(token).as("from the stream's one sequence").isGreaterThan(mainToken);
            caches.awaitToken("w1", token).get(30, TimeUnit.SECONDS);
            assertThat(names.get(CacheKey.of("@a:x"), k -> "Alice")).as("invalidated").isEqualTo("Alice");
            assertThat(seen).containsExactly("w1 " + token + " " + ROW);

            // the main's caches rows reach it too: two writers of one stream
            long again = main.append(CacheInvalidations.STREAM, List.of(RawJson.of(ROW)), false).get(0);
            caches.awaitToken("master", again).get(30, TimeUnit.SECONDS);
            assertThat(names.get(CacheKey.of("@a:x"), k -> "Alice B.")).isEqualTo("Alice B.");

            // a worker writes only caches
            HttpResponse<String> refused = post(port, "events", "[[\"ev\"]]");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("only the caches stream");

            // a worker started later gets the worker's row from the database, on its POSITION
            List<String> late = new CopyOnWriteArrayList<>();
            worker("w3", redis, main.tcpPort(), ResumePositions.of(Map.of(CacheInvalidations.STREAM,
                    Map.of("w1", 0L, "master", 0L))), recorder(late), false);
            await().atMost(Duration.ofSeconds(30)).until(() -> late.size() >= 3);
            assertThat(late).filteredOn(l -> l.startsWith("w1 ")).containsExactly("w1 " + token + " " + ROW);
            assertThat(late).filteredOn(l -> l.startsWith("master ")).containsExactly(
                    "master " + mainToken + " " + ROW, "master " + again + " " + ROW);
        }
    }

    private HttpResponse<String> post(int port, String stream, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_myelin/v1/streams/" + stream))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
