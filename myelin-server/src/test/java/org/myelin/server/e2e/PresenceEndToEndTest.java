package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.presence.SyncSettings;
import org.myelin.core.presence.UserPresence;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Json;
import org.myelin.protocol.UserIpCommand;
import org.myelin.server.CliRun;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.TcpSettings;

/**
 * Presence across real processes' objects over loopback TCP: a main and workers in one JVM, with
 * short timeouts (sync timeout 1 s, instance expiry 8 s) so the rules show in seconds.
 */
class PresenceEndToEndTest {
    static final PresenceSettings WRITER =
            new PresenceSettings(Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofMillis(50));
    static final SyncSettings SYNC =
            new SyncSettings(Duration.ofMillis(300), Duration.ofSeconds(1), Duration.ofMillis(50));
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    MainProcess main(int tcpPort) throws Exception {
        MainProcess main = MainProcess.start(new MainProcess.MainConfig(data, "test.local",
                new HostPort("127.0.0.1", tcpPort), new HostPort("127.0.0.1", 0), Cluster.FAST), WRITER, true);
        open.add(main);
        return main;
    }

    Cluster.Recorder worker(MainProcess main, String name, List<String> follow) {
        return worker(main.tcpPort(), name, follow, Cluster.FAST);
    }

    Cluster.Recorder worker(int port, String name, List<String> follow, TcpSettings settings) {
        Cluster.Recorder recorder = new Cluster.Recorder(null);
        recorder.process = WorkerProcess.start(new WorkerProcess.WorkerConfig(name,
                new HostPort("127.0.0.1", port), "test.local", data, OptionalLong.empty(), follow, settings),
                recorder, UnaryOperator.identity(),
                new WorkerProcess.Presence(WorkerProcess.Presence.newInstanceId(name), SYNC));
        open.add(recorder.process);
        // open, not established: a scripted peer announces no positions
        await().atMost(PATIENCE).until(() -> recorder.process.client().link().filter(l -> l.isOpen()).isPresent());
        return recorder;
    }

    /** The presence rows a worker received for one user, as [state, last_federation_update_ts]. */
    static List<JsonNode> presenceRows(Cluster.Recorder worker, String user) {
        List<JsonNode> out = new ArrayList<>();
        for (String r : worker.rowsOf("presence")) {
            JsonNode row = Json.parse(r.substring(r.indexOf('[')));
            if (row.get(0).asText().equals(user)) {
                out.add(row);
            }
        }
        return out;
    }

    static List<String> states(Cluster.Recorder worker, String user) {
        return presenceRows(worker, user).stream().map(r -> r.get(1).asText()).toList();
    }

    static Optional<UserPresence> on(MainProcess main, String user) {
        return main.identity().presence().user(user);
    }

    @Test
    void syncsOnTwoWorkersReachAThirdAndAGracefulStopClearsWhileADeadWorkerWaitsForExpiry() {
        MainProcess main = assertStarted(0);
        Cluster.Recorder killed = worker(main, "killed", List.of("events"));
        Cluster.Recorder stopped = worker(main, "stopped", List.of("events"));
        Cluster.Recorder watcher = worker(main, "watcher", List.of("presence"));
        String killedId = killed.process.presence().instanceId();
        String stoppedId = stopped.process.presence().instanceId();

        killed.process.presence().setSyncing("@alice:test.local", "PHONE", true);
        stopped.process.presence().setSyncing("@bob:test.local", null, true);
        stopped.process.presence().setSyncing("@carol:test.local", null, true);

        await().atMost(PATIENCE).until(() -> states(watcher, "@alice:test.local").equals(List.of("online"))
                && states(watcher, "@bob:test.local").equals(List.of("online"))
                && states(watcher, "@carol:test.local").equals(List.of("online")));
        assertThat(on(main, "@alice:test.local").orElseThrow().instances()).containsExactly(killedId);
        assertThat(on(main, "@bob:test.local").orElseThrow().instances()).containsExactly(stoppedId);

        // The link of 'killed' just dies: no CLEAR_USER_SYNC (what kill -9 does).
        long killedAt = System.currentTimeMillis();
        killed.process.client().close();
        // 'stopped' shuts down gracefully: CLEAR_USER_SYNC goes out before its link closes.
        long stoppedAt = System.currentTimeMillis();
        stopped.process.close();

        await().atMost(PATIENCE).until(() -> !main.identity().presence().instances().containsKey(stoppedId));
        assertThat(main.identity().presence().instances()).containsKey(killedId); // still believed alive

        await().atMost(PATIENCE).until(() -> states(watcher, "@bob:test.local").equals(List.of("online", "offline"))
                && states(watcher, "@carol:test.local").equals(List.of("online", "offline")));
        long bobOffline = presenceRows(watcher, "@bob:test.local").get(1).get(3).asLong();
        assertThat(bobOffline - stoppedAt).isGreaterThanOrEqualTo(WRITER.syncTimeout().toMillis());
        assertThat(states(watcher, "@alice:test.local")).containsExactly("online");

        await().atMost(PATIENCE).until(() -> states(watcher, "@alice:test.local").equals(List.of("online", "offline")));
        long aliceOffline = presenceRows(watcher, "@alice:test.local").get(1).get(3).asLong();
        // only after the instance expiry, counted from its last USER_SYNC (a refresh at most 1 s before
        // the link died), plus the sync timeout
        assertThat(aliceOffline - killedAt).isGreaterThanOrEqualTo(
                WRITER.instanceExpiry().minus(SYNC.refreshInterval()).plus(WRITER.syncTimeout()).toMillis());
        assertThat(main.identity().presence().instancesExpired()).isEqualTo(1);
        assertThat(on(main, "@alice:test.local").orElseThrow().row().state()).isEqualTo("offline");
    }

    @Test
    void aRestartedMainHasTheWorkersSyncingUsersOnlineAgain() throws Exception {
        MainProcess main = assertStarted(0);
        int port = main.tcpPort();
        Cluster.Recorder worker = worker(main, "w1", List.of("presence"));
        worker.process.presence().setSyncing("@dora:test.local", null, true);
        await().atMost(PATIENCE).until(() -> states(worker, "@dora:test.local").equals(List.of("online")));

        main.close();
        // The table lives in memory: the restarted main knows the user only from the worker's re-sent start.
        MainProcess restarted = assertStarted(port);

        await().atMost(PATIENCE).until(() -> on(restarted, "@dora:test.local")
                .map(u -> u.row().state().equals("online")
                        && u.instances().contains(worker.process.presence().instanceId()))
                .orElse(false));
        // and the restarted main published it again, after the rows of its first life
        await().atMost(PATIENCE).until(() -> states(worker, "@dora:test.local").equals(List.of("online", "online")));
    }

    @Test
    void userIpFederationAckAndRemoteServerUpReachTheirOwners() throws Exception {
        MainProcess main = assertStarted(0);
        Cluster.Recorder worker = worker(main, "w1", List.of("events"));
        List<String> upOnWorker = new CopyOnWriteArrayList<>();
        List<String> upOnMain = new CopyOnWriteArrayList<>();
        worker.process.router().onRemoteServerUp(upOnWorker::add);
        main.identity().router().onRemoteServerUp(upOnMain::add);

        assertThat(worker.process.reportUserIp(
                new UserIpCommand("@erin:test.local", "tok", "127.0.0.1", "curl/8", "DEV", 1234))).isEqualTo(1);
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), main.tcpPort())) {
            OutputStream out = raw.getOutputStream();
            out.write("NAME fed\nFEDERATION_ACK federation_sender1 42\nREMOTE_SERVER_UP other.example\n"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            await().atMost(PATIENCE).until(() -> upOnWorker.contains("other.example")
                    && upOnMain.contains("other.example")
                    && main.identity().federationAcks().positions().getOrDefault("federation_sender1", 0L) == 42);
        }
        await().atMost(PATIENCE).until(() -> {
            try (SqliteStreamStore reader = SqliteStreamStore.openExisting(data)) {
                return reader.clientIps("@erin:test.local")
                        .equals(List.of(new ClientIp("@erin:test.local", "tok", "127.0.0.1", "curl/8", "DEV", 1234)));
            }
        });
        assertThat(main.status().get("federation_acks").get("federation_sender1").asLong()).isEqualTo(42);
        JsonNode status = worker.process.status();
        assertThat(status.get("links")).hasSize(1);
        assertThat(status.get("instance_id").asText()).startsWith("w1.");
        assertThat(status.get("lag").get("events").get("master").asLong()).isZero();
    }

    /** The endpoints a worker hands to the HTTP server, called directly on a running worker and main. */
    @Test
    void theWorkersEndpointsDriveARealWorker() throws Exception {
        MainProcess main = assertStarted(0);
        Cluster.Recorder worker = worker(main, "w1", List.of("events"));
        Map<String, HttpEndpoint> routes = new HashMap<>();
        worker.process.httpEndpoints().forEach(r -> routes.put(r.method() + " " + r.path(), r.endpoint()));
        assertThat(routes).containsOnlyKeys("POST /_myelin/v1/sync/{user_id}", "POST /_myelin/v1/user_ip",
                "GET /_myelin/v1/status", "GET /metrics", "GET /", "GET /dashboard/dashboard.css",
                "GET /dashboard/dashboard.js");

        HttpResponse sync = routes.get("POST /_myelin/v1/sync/{user_id}").handle(
                request("POST", Map.of("user_id", "@fay:test.local"), "{\"syncing\":true}"));
        assertThat(sync.status()).isEqualTo(200);
        HttpEndpoint presence = main.identity().presenceEndpoint();
        await().atMost(PATIENCE).until(() -> body(presence.handle(
                request("GET", Map.of("user_id", "@fay:test.local"), ""))).contains("\"online\""));
        assertThat(body(routes.get("GET /metrics").handle(request("GET", Map.of(), ""))))
                .contains("myelin_presence_syncing_users 1", "myelin_received_token",
                        "myelin_received_lag_tokens{instance=\"master\",stream=\"events\"} 0");
        assertThat(body(routes.get("GET /_myelin/v1/status").handle(request("GET", Map.of(), ""))))
                .contains("\"user_id\":\"@fay:test.local\"");
    }

    static HttpRequest request(String method, Map<String, String> params,
            String body) {
        return new HttpRequest(method, "/", params, Map.of(), Map.of(),
                body.getBytes(StandardCharsets.UTF_8), null);
    }

    static String body(HttpResponse response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The lines a Myelin worker speaking 1.66 sends over a real socket have the capture's shape. */
    @Test
    void aWorkerSpeaking166SendsTheCapturesLines() throws Exception {
        SqliteStreamStore.open(data).close(); // the catch-up source a worker needs
        List<String> received = new CopyOnWriteArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("SERVER test.local\n".getBytes(StandardCharsets.UTF_8));
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    for (String line; (line = in.readLine()) != null; ) {
                        received.add(line);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Cluster.Recorder worker = worker(server.getLocalPort(), "someinstance", List.of("events"),
                    Cluster.FAST.withDialect(Dialect.SYNAPSE_1_66));
            worker.process.presence().setSyncing("@bob1:peer.test", "SOMEDEVICE", true);
            await().atMost(PATIENCE).until(() -> received.stream().anyMatch(l -> l.startsWith("USER_SYNC")));
            worker.process.close();
            done.get(60, TimeUnit.SECONDS);
        }
        List<String> ours = received.stream()
                .filter(l -> l.startsWith("USER_SYNC") || l.startsWith("CLEAR_USER_SYNC"))
                .map(PresenceEndToEndTest::shape).toList();
        List<String> capture = clientLines("user-sync-then-clear.txt").stream()
                .filter(l -> l.startsWith("USER_SYNC") || l.startsWith("CLEAR_USER_SYNC"))
                .map(PresenceEndToEndTest::shape).toList();
        assertThat(ours).isEqualTo(capture)
                .containsExactly("USER_SYNC <instance> @bob1:peer.test start <ms>", "CLEAR_USER_SYNC <instance>");
    }

    /** The lines the recording client sent ({@code >}) in a capture. */
    static List<String> clientLines(String file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(CliRun.vectors().resolve(file))) {
            String t = line.stripLeading();
            int space = t.indexOf(' ');
            if (space > 0 && t.startsWith("> ", space + 1)) {
                out.add(t.substring(space + 3));
            }
        }
        return out;
    }

    /** A command line with the instance id and the time replaced by placeholders. */
    static String shape(String line) {
        String[] f = line.split(" ", -1);
        if (f[0].equals("CLEAR_USER_SYNC")) {
            return f[0] + " <instance>";
        }
        f[1] = "<instance>";
        f[f.length - 1] = f[f.length - 1].matches("\\d+") ? "<ms>" : f[f.length - 1];
        return String.join(" ", f);
    }

    MainProcess assertStarted(int port) {
        try {
            return main(port);
        } catch (Exception e) {
            throw new AssertionError("cannot start the main process", e);
        }
    }
}
