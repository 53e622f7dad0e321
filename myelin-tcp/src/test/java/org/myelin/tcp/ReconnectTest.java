package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's backoff grows until the engine marks a link established (PROTOCOL.md section 4). */
class ReconnectTest {
    private static final Duration INITIAL = Duration.ofMillis(20);
    private static final Duration CAP = Duration.ofMillis(160);
    private static final TcpSettings SETTINGS = TcpSettings.defaults().withReconnect(INITIAL, CAP, 0.0);

    @Test
    void linksThatDropBeforeEstablishedKeepBackingOffAndEstablishedResetsIt() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        // Like a worker choking on a poison row: every link ends before it is caught up.
        serverSide.onCommand = (link, command) -> link.close("go away");
        clientSide.onOpen = link -> { };
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", SETTINGS, serverSide);
                TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker1", "peer.test", SETTINGS,
                        clientSide).start()) {
            eventually().until(() -> client.reconnectDelays().size() >= 6);
            assertThat(client.reconnectDelays().subList(0, 6)).containsExactly(
                    ms(20), ms(40), ms(80), ms(160), ms(160), ms(160));
            assertThat(clientSide.opened).hasSizeGreaterThanOrEqualTo(5);
            assertThat(clientSide.closed.get(0).reason()).contains("go away");
            assertThat(client.established().toCompletableFuture()).isNotDone();

            // The engine catches up this time and says so.
            serverSide.onCommand = (link, command) -> { };
            clientSide.onOpen = Link::markEstablished;
            eventually().until(() -> client.link().isPresent() && client.nextDelay().equals(INITIAL));
            assertThat(client.established().toCompletableFuture()).isDone();
            int before = client.reconnectDelays().size();

            server.links().forEach(link -> link.close("restarting"));
            eventually().until(() -> client.reconnectDelays().size() == before + 1);
            List<Duration> delays = client.reconnectDelays();
            assertThat(delays.get(delays.size() - 1)).isEqualTo(INITIAL);
            eventually().until(() -> client.link().isPresent());
        }
    }

    @Test
    void keepsTryingWhileNothingListens() {
        RecordingListener clientSide = new RecordingListener();
        int port;
        try (TcpServer probe = TcpServer.start("127.0.0.1", 0, "peer.test", SETTINGS, new RecordingListener())) {
            port = probe.port(); // a port nobody listens on once closed
        }
        try (TcpClient client = new TcpClient("127.0.0.1", port, "worker1", null, SETTINGS, clientSide).start()) {
            eventually().until(() -> client.attempts() >= 5);
            assertThat(client.metrics().connectFailures()).isGreaterThanOrEqualTo(4);
            assertThat(client.reconnectDelays().subList(0, 4)).containsExactly(ms(20), ms(40), ms(80), ms(160));
            assertThat(clientSide.opened).isEmpty();
        }
    }

    @Test
    void closeStopsForGood() {
        RecordingListener serverSide = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", SETTINGS, serverSide)) {
            TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker1", "peer.test", SETTINGS,
                    new RecordingListener()).start();
            eventually().until(() -> client.link().isPresent());
            client.close();
            eventually().until(() -> serverSide.closed.size() == 1);
            assertThat(server.metrics().errorsReceived()).as("a clean shutdown sends no ERROR").isZero();
            assertThat(client.attempts()).isEqualTo(1);
            assertThat(client.link()).isEmpty();
        }
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
