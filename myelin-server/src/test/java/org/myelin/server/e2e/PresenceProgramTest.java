package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.slf4j.LoggerFactory;

/**
 * Presence with real processes: a {@code myelin main} and {@code myelin worker}s as child JVMs,
 * users made to sync through the workers' HTTP ports, workers killed ({@code kill -9}) or stopped
 * (SIGTERM), the main killed and started again. Short timings through the flags (sync timeout
 * 1.5 s, instance expiry 9 s, refresh 1 s) so that the rules show in seconds; every wait is an
 * Awaitility bound far above them (the machine is shared), and the timing facts asserted are the
 * ones the rules guarantee whatever the load: lower bounds, and the order of events.
 */
class PresenceProgramTest {
    static final long SYNC_TIMEOUT_MS = 1_500;
    static final long INSTANCE_EXPIRY_MS = 9_000;
    static final long REFRESH_MS = 1_000;
    static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Pattern MAIN_PORTS =
            Pattern.compile("replication on 127\\.0\\.0\\.1:(\\d+), HTTP on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern WORKER_PORT = Pattern.compile("serving HTTP on 127\\.0\\.0\\.1:(\\d+)");

    /** The program's INFO logs (bound ports, CLEAR sent), not the tests' WARN configuration. */
    private static final List<String> INFO_LOGS = List.of("-Dlogback.configurationFile=logback.xml");

    @TempDir
    Path tmp;
    private final List<Program> programs = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stopAll() {
        programs.forEach(Program::close);
    }

    /** A running main: its process and the ports it bound. */
    record Main(Program program, int tcpPort, int httpPort) {}

    /** A running worker: its process, HTTP port and instance id. */
    record Worker(Program program, int httpPort, String instanceId) {}

    private Main main(String log, int tcpPort, int httpPort) throws Exception {
        Program p = Program.start(INFO_LOGS, tmp.resolve(log), true, "main", "--data", tmp.resolve("data").toString(),
                "--server-name", "test.local", "--listen-tcp", "127.0.0.1:" + tcpPort,
                "--listen-http", "127.0.0.1:" + httpPort,
                "--sync-timeout-ms", Long.toString(SYNC_TIMEOUT_MS),
                "--instance-expiry-ms", Long.toString(INSTANCE_EXPIRY_MS));
        programs.add(p);
        Matcher m = awaitLog(p, MAIN_PORTS);
        return new Main(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    private Worker worker(Main main, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("worker", "--name", name, "--data",
                tmp.resolve("data").toString(), "--connect", "127.0.0.1:" + main.tcpPort(),
                "--server-name", "test.local", "--listen-http", "127.0.0.1:0",
                "--user-sync-refresh-ms", Long.toString(REFRESH_MS), "--user-sync-end-delay-ms", "500"));
        args.addAll(List.of(extra));
        Program p = Program.start(INFO_LOGS, tmp.resolve(name + ".log"), true, args.toArray(String[]::new));
        programs.add(p);
        int port = Integer.parseInt(awaitLog(p, WORKER_PORT).group(1));
        // connected to the main: presence it is told from now on reaches the main at once
        await().atMost(PATIENCE).until(() -> get(port, "/_myelin/v1/status").get("links").size() == 1);
        String instanceId = get(port, "/_myelin/v1/status").get("instance_id").asText();
        return new Worker(p, port, instanceId);
    }

    private static Matcher awaitLog(Program p, Pattern pattern) {
        Matcher[] found = new Matcher[1];
        await().atMost(PATIENCE).until(() -> {
            if (!p.process.isAlive()) {
                throw new AssertionError("exited with " + p.process.exitValue() + ":\n" + p.err());
            }
            Matcher m = pattern.matcher(p.err());
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return found[0];
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private void sync(Worker worker, String user) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + worker.httpPort() + "/_myelin/v1/sync/" + user))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"syncing\":true,\"device_id\":\"DEV\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The main's answer for a user: {@code presence} and {@code instances}. */
    private JsonNode presence(Main main, String user) throws Exception {
        return get(main.httpPort(), "/_myelin/v1/presence/" + user);
    }

    /** The presence rows a worker printed for a user, in order. */
    private static List<JsonNode> rows(Program watcher, String user) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : watcher.lines()) {
            JsonNode printed = Json.parse(line);
            if (printed.get("stream").asText().equals("presence")
                    && printed.get("row").get(0).asText().equals(user)) {
                out.add(printed.get("row"));
            }
        }
        return out;
    }

    private static List<String> states(Program watcher, String user) {
        return rows(watcher, user).stream().map(r -> r.get(1).asText()).toList();
    }

    /** When the user went offline by the main's clock: the offline row's last_federation_update_ts. */
    private static long offlineAt(Program watcher, String user) {
        List<JsonNode> rows = rows(watcher, user);
        JsonNode last = rows.get(rows.size() - 1);
        assertThat(last.get(1).asText()).isEqualTo("offline");
        return last.get(3).asLong();
    }

    @Test
    void aSigtermedWorkersUsersGoOfflineAfterTheSyncTimeoutAndAKilledOnesOnlyAfterTheInstanceExpiry()
            throws Exception {
        Main main = main("main.log", 0, 0);
        Worker killed = worker(main, "killed");
        Worker stopped = worker(main, "stopped");
        // a third worker prints the presence stream from its beginning
        Program watcher = worker(main, "watcher", "--follow", "presence", "--from", "0").program();
        List<String> killedUsers = List.of("@alice:test.local", "@anna:test.local");
        List<String> stoppedUsers = List.of("@bob:test.local", "@bert:test.local");
        for (int i = 0; i < 2; i++) {
            sync(killed, killedUsers.get(i));
            sync(stopped, stoppedUsers.get(i));
        }
        List<String> everyone = new ArrayList<>(killedUsers);
        everyone.addAll(stoppedUsers);
        await().atMost(PATIENCE).until(() -> everyone.stream().allMatch(u -> states(watcher, u).equals(List.of("online"))));
        for (String u : killedUsers) {
            assertThat(presence(main, u).get("instances")).extracting(JsonNode::asText)
                    .containsExactly(killed.instanceId());
        }
        for (String u : stoppedUsers) {
            assertThat(presence(main, u).get("instances")).extracting(JsonNode::asText)
                    .containsExactly(stopped.instanceId());
        }

        long killedAt = System.currentTimeMillis();
        killed.program().process.destroyForcibly(); // SIGKILL: no CLEAR_USER_SYNC
        killed.program().process.waitFor();
        long stoppedAt = System.currentTimeMillis();
        assertThat(stopped.program().terminate(Duration.ofSeconds(60))).as(stopped.program().err()).isEqualTo(0);
        assertThat(stopped.program().err()).contains("sent CLEAR_USER_SYNC " + stopped.instanceId());

        await().atMost(PATIENCE).until(() -> stoppedUsers.stream()
                .allMatch(u -> states(watcher, u).equals(List.of("online", "offline"))));
        // at that moment the killed worker's users are still online: it has not been expired yet
        for (String u : killedUsers) {
            JsonNode now = presence(main, u);
            assertThat(now.get("presence").asText()).as(u).isEqualTo("online");
            assertThat(now.get("instances")).extracting(JsonNode::asText).containsExactly(killed.instanceId());
        }
        for (String u : stoppedUsers) {
            long after = offlineAt(watcher, u) - stoppedAt;
            // the sync timeout ran from the CLEAR, which came after the SIGTERM...
            assertThat(after).as(u).isGreaterThanOrEqualTo(SYNC_TIMEOUT_MS);
            // ...and the instance was cleared, not expired (that would take the expiry at least)
            assertThat(after).as(u).isLessThan(INSTANCE_EXPIRY_MS - REFRESH_MS);
        }

        await().atMost(PATIENCE).until(() -> killedUsers.stream()
                .allMatch(u -> states(watcher, u).equals(List.of("online", "offline"))));
        for (String u : killedUsers) {
            // online until the instance expiry from its last USER_SYNC (a refresh at most ~1 s before the
            // kill), then the sync timeout
            assertThat(offlineAt(watcher, u) - killedAt).as(u).isGreaterThanOrEqualTo(INSTANCE_EXPIRY_MS - REFRESH_MS);
            assertThat(presence(main, u).get("presence").asText()).isEqualTo("offline");
            for (String s : stoppedUsers) {
                assertThat(offlineAt(watcher, u)).isGreaterThan(offlineAt(watcher, s));
            }
        }
        LoggerFactory.getLogger(PresenceProgramTest.class).warn("offline after SIGTERM: {} ms, after kill -9: {} ms"
                + " (sync timeout {} ms, instance expiry {} ms)", offlineAt(watcher, stoppedUsers.get(0)) - stoppedAt,
                offlineAt(watcher, killedUsers.get(0)) - killedAt, SYNC_TIMEOUT_MS, INSTANCE_EXPIRY_MS);
        JsonNode status = get(main.httpPort(), "/_myelin/v1/status").get("presence");
        assertThat(status.get("instances_expired").asLong()).as("only the killed worker expired").isEqualTo(1);
        assertThat(status.get("online_users").asLong()).isZero();
    }

    @Test
    void aMainKilledAndStartedAgainOnTheSameDataAndPortsHasTheWorkersSyncingUsersOnlineAgain() throws Exception {
        Main first = main("main-1.log", 0, 0);
        Worker w1 = worker(first, "w1");
        Worker w2 = worker(first, "w2");
        sync(w1, "@carol:test.local");
        sync(w2, "@dave:test.local");
        await().atMost(PATIENCE).until(() -> presence(first, "@carol:test.local").get("presence").asText().equals("online")
                && presence(first, "@dave:test.local").get("presence").asText().equals("online"));

        first.program().process.destroyForcibly(); // kill -9: the in-memory table is gone
        first.program().process.waitFor();
        Main again = main("main-2.log", first.tcpPort(), first.httpPort());
        assertThat(again.httpPort()).isEqualTo(first.httpPort());

        // rebuilt from the workers' re-sent USER_SYNC start on their new links
        await().atMost(PATIENCE).until(() -> {
            JsonNode carol = presence(again, "@carol:test.local");
            JsonNode dave = presence(again, "@dave:test.local");
            return carol.get("presence").asText().equals("online")
                    && carol.get("instances").size() == 1 && carol.get("instances").get(0).asText().equals(w1.instanceId())
                    && dave.get("presence").asText().equals("online")
                    && dave.get("instances").size() == 1 && dave.get("instances").get(0).asText().equals(w2.instanceId());
        });
        assertThat(w1.program().err()).contains("re-sent USER_SYNC start for 1 syncing users");
        for (Worker w : List.of(w1, w2)) {
            assertThat(w.program().terminate(Duration.ofSeconds(60))).as(w.program().err()).isEqualTo(0);
        }
    }
}
