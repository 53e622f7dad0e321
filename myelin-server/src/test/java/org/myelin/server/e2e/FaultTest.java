package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Command;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.tcp.Link;
import org.myelin.tcp.LinkListener;
import org.myelin.tcp.TcpSettings;

/** The failure modes PROTOCOL.md names, end to end: nothing is lost and nothing spins. */
class FaultTest {
    @TempDir
    Path data;
    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aWorkerThatStopsReadingIsPutInCatchUpModeNotDroppedAndConverges() throws Exception {
        TcpSettings tight = Cluster.FAST.withQueueBounds(256 * 1024, 500).withSocketSendBuffer(16 * 1024);
        cluster = new Cluster(data, tight);
        Stall stall = new Stall();
        Cluster.Recorder worker = cluster.worker("slow", OptionalLong.empty(), List.of("events"), Cluster.FAST,
                stall::wrap, new Cluster.Recorder(null));
        Cluster.awaitCaughtUp(worker, "events", 0);
        String linkId = cluster.main.tcp().links().get(0).id();

        stall.stop(); // the worker's event loop blocks on its next command: it reads nothing more
        List<String> written = new ArrayList<>();
        String pad = "x".repeat(2000);
        long last = 0;
        for (int round = 0; round < 20 && cluster.main.tcp().metrics().catchUpEntered() == 0; round++) {
            List<RawJson> rows = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                rows.add(RawJson.of("[" + (round * 200 + i) + ",\"" + pad + "\"]"));
            }
            List<Long> tokens = cluster.main.append("events", rows, false);
            for (int i = 0; i < rows.size(); i++) {
                written.add("events " + tokens.get(i) + " " + rows.get(i).text());
            }
            last = tokens.get(tokens.size() - 1);
            long target = last;
            // wait until the streamer has handed this round to the link before writing more
            await().until(() -> cluster.main.engine().streamer().rdataSent() >= target);
        }
        assertThat(cluster.main.tcp().metrics().catchUpEntered()).as("catch-up mode entered").isPositive();
        assertThat(cluster.main.tcp().links()).extracting(Link::id).containsExactly(linkId);

        stall.resume();
        Cluster.awaitCaughtUp(worker, "events", last);
        assertThat(worker.rows).containsExactlyElementsOf(written);
        assertThat(cluster.main.tcp().links()).extracting(Link::id).as("same link, never dropped")
                .containsExactly(linkId);
        assertThat(worker.process.engine().receiver().catchUps()).isPositive();
        assertThat(worker.process.client().attempts()).isEqualTo(1);
    }

    @Test
    void aRowWhoseHandlingFailsMakesTheWorkerBackOffNotSpin() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        cluster.main.append("events", List.of(RawJson.of("[1]"), RawJson.of("[\"poison\"]"), RawJson.of("[3]")),
                false);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.of(0), List.of("events"), Cluster.FAST,
                l -> l, new Cluster.Recorder("[\"poison\"]"));
        await().atMost(Duration.ofSeconds(20)).until(() -> worker.process.client().attempts() >= 7);
        List<Duration> delays = worker.process.client().reconnectDelays();
        // 20 ms doubling to the 300 ms cap, jitter 20%: each early delay well above the one before
        for (int i = 1; i < 4; i++) {
            assertThat(delays.get(i).toNanos()).as("delay %d grows: %s", i, delays)
                    .isGreaterThan(delays.get(i - 1).toNanos() * 5 / 4);
        }
        assertThat(delays.get(delays.size() - 1)).isGreaterThanOrEqualTo(Duration.ofMillis(240));
        assertThat(worker.rows).containsExactly("events 1 [1]");

        worker.poison = null; // the row can be handled again: everything arrives, once
        Cluster.awaitCaughtUp(worker, "events", 3);
        assertThat(worker.rows).containsExactly("events 1 [1]", "events 2 [\"poison\"]", "events 3 [3]");
    }

    @Test
    void badInputOnOneLinkGetsAnErrorAndOtherLinksKeepGettingRows() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.empty(), List.of("events"));
        Cluster.awaitCaughtUp(worker, "events", 0);
        for (String bad : List.of("FOO bar", "RDATA events master 1 [1]", "POSITION events", "\u00ff")) {
            try (Socket socket = new Socket("127.0.0.1", cluster.main.tcpPort())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write((bad + "\n").getBytes(bad.equals("\u00ff") ? StandardCharsets.ISO_8859_1
                        : StandardCharsets.UTF_8));
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(answer).as(bad).startsWith("SERVER test.local\nPING ").containsPattern(
                        "\nERROR (failed to parse line: |invalid command: RDATA)");
            }
        }
        cluster.main.append("events", List.of(RawJson.of("[1]")), false);
        Cluster.awaitCaughtUp(worker, "events", 1);
        assertThat(worker.rows).containsExactly("events 1 [1]");
    }

    @Test
    void workersRideOutARestartOfTheMainProcess() throws Exception {
        cluster = new Cluster(data, Cluster.FAST);
        Cluster.Recorder worker = cluster.worker("w1", OptionalLong.of(0), List.of("events"));
        cluster.main.append("events", List.of(RawJson.of("[1]"), RawJson.of("[2]")), false);
        Cluster.awaitCaughtUp(worker, "events", 2);
        int port = cluster.main.tcpPort();

        cluster.main.close(); // the worker keeps retrying, backing off
        try (MainProcess restarted = MainProcess.start(new MainProcess.MainConfig(data, "test.local",
                new HostPort("127.0.0.1", port), new HostPort("127.0.0.1", 0), Cluster.FAST))) {
            assertThat(restarted.append("events", List.of(RawJson.of("[3]")), false)).containsExactly(3L);
            restarted.append("events", List.of(RawJson.of("[4]")), false);
            Cluster.awaitCaughtUp(worker, "events", 4);
            assertThat(worker.rows).containsExactly("events 1 [1]", "events 2 [2]", "events 3 [3]", "events 4 [4]");
            assertThat(worker.process.client().attempts()).isGreaterThan(1);
        }
    }

    @Test
    void aSilentPeerThatPingedIsTimedOut() throws Exception {
        cluster = new Cluster(data, Cluster.FAST.withPingTimeout(Duration.ofMillis(600))
                .withPingInterval(Duration.ofMillis(200)));
        try (Socket socket = new Socket("127.0.0.1", cluster.main.tcpPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("NAME quiet\nPING 1\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).endsWith("ERROR ping timeout\n");
        }
    }

    /** Decorates a worker's link events so a test can block its event loop (it then reads nothing). */
    static final class Stall {
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void stop() {
            gate = new CountDownLatch(1);
        }

        void resume() {
            gate.countDown();
        }

        LinkListener wrap(LinkListener inner) {
            return new LinkListener() {
                @Override
                public void onOpen(Link link) {
                    inner.onOpen(link);
                }

                @Override
                public void onCommand(Link link, Command command) {
                    try {
                        gate.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    inner.onCommand(link, command);
                }

                @Override
                public void onCatchUpNeeded(Link link, Set<String> streams) {
                    inner.onCatchUpNeeded(link, streams);
                }

                @Override
                public void onClose(Link link, String reason) {
                    inner.onClose(link, reason);
                }
            };
        }
    }
}
