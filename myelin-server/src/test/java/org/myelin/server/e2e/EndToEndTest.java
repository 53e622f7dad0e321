package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.tcp.TcpClient;

/** A main process and workers over real loopback sockets and a real SQLite file. */
class EndToEndTest {
    @TempDir
    Path data;
    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<RawJson> rows(String... json) {
        return java.util.Arrays.stream(json).map(RawJson::of).toList();
    }

    @Test
    void rowsBeforeConnectArriveByCatchUpLaterOnesByRdataEachOnceInOrder() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        cluster.main.append("events", rows("[\"e1\"]", "[\"e2\"]"), false);
        cluster.main.append("events", rows("[\"e3a\"]", "[\"e3b\"]"), true);
        Cluster.Recorder fromZero = cluster.worker("w1", OptionalLong.of(0), List.of("events"));
        Cluster.Recorder fromNow = cluster.worker("w2", OptionalLong.empty(), List.of("events"));
        Cluster.awaitCaughtUp(fromZero, "events", 3);
        Cluster.awaitCaughtUp(fromNow, "events", 3);

        cluster.main.append("events", rows("[\"e4\"]"), false);
        cluster.main.append("events", rows("[\"e5a\"]", "[\"e5b\"]", "[\"e5c\"]"), true);
        Cluster.awaitCaughtUp(fromZero, "events", 5);
        Cluster.awaitCaughtUp(fromNow, "events", 5);

        assertThat(fromZero.rows).containsExactly("events 1 [\"e1\"]", "events 2 [\"e2\"]", "events 3 [\"e3a\"]",
                "events 3 [\"e3b\"]", "events 4 [\"e4\"]", "events 5 [\"e5a\"]", "events 5 [\"e5b\"]",
                "events 5 [\"e5c\"]");
        assertThat(fromNow.rows).as("a worker without --from starts at the current position")
                .containsExactly("events 4 [\"e4\"]", "events 5 [\"e5a\"]", "events 5 [\"e5b\"]", "events 5 [\"e5c\"]");
        assertThat(fromZero.process.engine().receiver().catchUps()).isEqualTo(1);
    }

    @Test
    void aRowTooLongForALineAdvancesByPositionAndIsFetchedOutOfBand() throws Exception {
        cluster = new Cluster(data, Cluster.FAST.withMaxLineBytes(1024));
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.empty(), List.of("caches"));
        await().until(() -> worker.process.client().link().isPresent()
                && cluster.main.tcp().links().size() == 1);
        Cluster.awaitCaughtUp(worker, "caches", 0);
        String big = "[\"" + "x".repeat(3000) + "\"]";
        cluster.main.append("caches", rows("[\"small\"]"), false);
        cluster.main.append("caches", rows(big), false);
        cluster.main.append("caches", rows("[\"after\"]"), false);
        Cluster.awaitCaughtUp(worker, "caches", 3);
        assertThat(worker.rows).containsExactly("caches 1 [\"small\"]", "caches 2 " + big, "caches 3 [\"after\"]");
        assertThat(cluster.main.engine().streamer().oversizedRows()).isEqualTo(1);
        assertThat(worker.process.engine().receiver().catchUps()).isEqualTo(1);
    }

    @Test
    void aNewStreamWrittenWhileWorkersAreConnectedReachesThem() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.empty(), List.of());
        await().until(() -> worker.process.client().link().isPresent());
        Cluster.awaitCaughtUp(worker, "events", 0);
        cluster.main.append("my_stream", rows("[1]", "[2]"), false);
        Cluster.awaitCaughtUp(worker, "my_stream", 2);
        assertThat(worker.rows).containsExactly("my_stream 1 [1]", "my_stream 2 [2]");
    }

    @Test
    void theHttpApiAppendsRowsAndReportsStatus() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.empty(), List.of("typing"));
        Cluster.awaitCaughtUp(worker, "typing", 0);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + cluster.main.httpPort();
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/_myelin/v1/streams/typing"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":[[\"!r\",[\"@a\"]],[\"!s\",[]]],\"same_token\":true}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(Json.parse(ok.body()).get("tokens").toString()).isEqualTo("[1,1]");
        Cluster.awaitCaughtUp(worker, "typing", 1);
        assertThat(worker.rows).containsExactly("typing 1 [\"!r\",[\"@a\"]]", "typing 1 [\"!s\",[]]");

        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/_myelin/v1/streams/typing"))
                .POST(HttpRequest.BodyPublishers.ofString("[1, 2")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(Json.parse(bad.body()).get("error").asText()).contains("invalid JSON");
        HttpResponse<String> badName = http.send(HttpRequest.newBuilder(URI.create(base + "/_myelin/v1/streams/a%20b"))
                .POST(HttpRequest.BodyPublishers.ofString("[[1]]")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badName.statusCode()).isEqualTo(400);

        HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/_myelin/v1/status"))
                .build(), HttpResponse.BodyHandlers.ofString());
        var doc = Json.parse(status.body());
        assertThat(doc.get("streams").get("typing").asLong()).isEqualTo(1);
        assertThat(doc.get("links").get(0).get("name").asText()).isEqualTo("w1");

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(metrics.body()).contains("myelin_stream_position{stream=\"typing\"} 1.0")
                .contains("myelin_links_open 1.0")
                .containsPattern("myelin_streamer_rdata_sent_total [1-9]")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void aWorkerWithoutTheDataDirectoryCatchesUpOverHttp() throws Exception {
        try (MainProcess main = MainProcess.start(new MainProcess.MainConfig(data, "test.local",
                new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), Cluster.FAST, "sesame"))) {
            main.append("events", rows("[\"before\"]"), false);
            main.append("events", rows("[\"b1\"]", "[\"b2\"]"), true);
            Cluster.Recorder recorder = new Cluster.Recorder(null);
            CatchUpSource remote = new CatchUpSource.OverHttp(URI.create("http://127.0.0.1:" + main.httpPort()),
                    "sesame");
            try (WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig("remote",
                    new HostPort("127.0.0.1", main.tcpPort()), "test.local", remote, OptionalLong.of(0),
                    List.of("events"), Cluster.FAST), recorder)) {
                recorder.process = worker;
                Cluster.awaitCaughtUp(recorder, "events", 2);
                main.append("events", rows("[\"after\"]"), false);
                Cluster.awaitCaughtUp(recorder, "events", 3);
                assertThat(recorder.rows).containsExactly("events 1 [\"before\"]", "events 2 [\"b1\"]",
                        "events 2 [\"b2\"]", "events 3 [\"after\"]");
                assertThat(worker.engine().receiver().catchUps()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRestartedMainContinuesFromItsPersistedTokens() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        cluster.main.append("events", rows("[1]", "[2]"), false);
        cluster.close();
        cluster = new Cluster(data, Cluster.FAST);
        assertThat(cluster.main.append("events", rows("[3]"), false)).containsExactly(3L);
    }

    @Test
    void aWorkerAtTheWrongServerNeverGetsRowsAndRetriesSlowly() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.of(0), List.of("events"),
                Cluster.FAST, l -> l, new Cluster.Recorder(null));
        // the worker expects test.local; build one that expects another name
        var config = new WorkerProcess.WorkerConfig("w2",
                new HostPort("127.0.0.1", cluster.main.tcpPort()), "other.server", data,
                OptionalLong.of(0), List.of("events"), Cluster.FAST);
        Cluster.Recorder wrong = new Cluster.Recorder(null);
        wrong.process = WorkerProcess.start(config, wrong);
        cluster.workers.add(wrong.process);
        // A configuration error: retried, but every 30 s rather than at the backoff meant for glitches.
        await().until(() -> !wrong.process.client().reconnectDelays().isEmpty());
        assertThat(wrong.process.client().reconnectDelays()).containsExactly(TcpClient.WRONG_SERVER_DELAY);
        assertThat(wrong.process.client().lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("test.local"));
        assertThat(wrong.rows).isEmpty();
        assertThat(worker.process.client().link()).isPresent();
    }
}
