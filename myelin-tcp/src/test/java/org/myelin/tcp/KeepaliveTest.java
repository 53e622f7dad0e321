package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;
import static org.myelin.tcp.Waits.waitUpTo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PING when idle, {@code ERROR ping timeout} only for peers that pinged (PROTOCOL.md section 4). */
class KeepaliveTest {
    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofMillis(400);
    private static final TcpSettings FAST = TcpSettings.defaults()
            .withPingInterval(INTERVAL)
            .withPingTimeout(TIMEOUT)
            .withReconnect(Duration.ofMillis(20), Duration.ofMillis(100), 0.0);

    @Test
    void aPeerThatPingedOnceThenWentSilentIsTimedOut() {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", FAST, listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            peer.send("NAME idleA\nPING 1\n");
            long pinged = System.nanoTime();
            List<String> lines = peer.readUntilClosed();
            long silentFor = Duration.ofNanos(System.nanoTime() - pinged).toMillis();
            assertThat(lines).containsSubsequence("SERVER peer.test", "ERROR ping timeout", RawPeer.EOF);
            // The server kept pinging the idle peer meanwhile.
            assertThat(lines.stream().filter(line -> line.startsWith("PING "))).hasSizeGreaterThanOrEqualTo(2);
            assertThat(silentFor).isGreaterThanOrEqualTo(TIMEOUT.toMillis() - 50);
            eventually().until(() -> listener.closed.size() == 1);
            assertThat(listener.closed.get(0).reason()).contains("ping timeout");
            assertThat(server.metrics().pingTimeouts()).isEqualTo(1);
        }
    }

    @Test
    void aPeerThatNeverPingedIsNeverTimedOutButIsPinged() {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", FAST, listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            List<String> lines = new ArrayList<>();
            long start = System.nanoTime();
            // Ten idle pings span more than twice the timeout.
            while (lines.stream().filter(line -> line.startsWith("PING ")).count() < 10) {
                lines.add(peer.readLine());
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(TIMEOUT.multipliedBy(2));
            assertThat(lines).doesNotContain(RawPeer.EOF).noneMatch(line -> line.startsWith("ERROR"));
            assertThat(server.links()).singleElement().matches(Link::isOpen);
            assertThat(listener.closed).isEmpty();
        }
    }

    @Test
    void clientTimesOutASilentServer() throws IOException {
        RecordingListener clientSide = new RecordingListener();
        try (ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                TcpClient client = new TcpClient("127.0.0.1", fake.getLocalPort(), "worker1", "peer.test", FAST,
                        clientSide).start();
                RawPeer server = RawPeer.wrap(fake.accept())) {
            server.send("SERVER peer.test\nPING 1\n");
            List<String> lines = server.readUntilClosed();
            assertThat(lines).containsSubsequence("NAME worker1", "REPLICATE", "ERROR ping timeout", RawPeer.EOF);
            assertThat(lines.stream().filter(line -> line.startsWith("PING "))).hasSizeGreaterThanOrEqualTo(2);
            eventually().until(() -> clientSide.closed.size() == 1);
            assertThat(clientSide.closed.get(0).reason()).contains("ping timeout");
        }
    }

    @Test
    void pingingPeersKeepTheirLinkOpen() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", FAST, serverSide);
                TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker1", "peer.test", FAST, clientSide)
                        .start()) {
            eventually().until(() -> client.link().isPresent());
            waitUpTo(Duration.ofSeconds(3)).during(TIMEOUT.multipliedBy(3))
                    .until(() -> client.link().isPresent() && server.links().size() == 1);
            assertThat(serverSide.closed).isEmpty();
            assertThat(clientSide.closed).isEmpty();
            assertThat(server.metrics().pingsSent()).isGreaterThanOrEqualTo(3);
            assertThat(client.metrics().pingsSent()).isGreaterThanOrEqualTo(3);
        }
    }
}
