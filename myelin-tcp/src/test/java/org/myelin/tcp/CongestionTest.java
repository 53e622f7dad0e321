package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;
import static org.myelin.tcp.Waits.waitUpTo;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;

/**
 * A peer that does not keep up puts its link in catch-up mode instead of being dropped; only the
 * unwritable deadline and the close timeout end such a link (PROTOCOL.md section 4).
 */
class CongestionTest {
    private static final RawJson ROW = RawJson.of("[\"" + "x".repeat(200) + "\"]");
    private static final TcpSettings SETTINGS = TcpSettings.defaults()
            .withQueueBounds(64 * 1024, 200)
            .withUnwritableDeadline(Duration.ofSeconds(20))
            // Small kernel buffers: otherwise loopback absorbs megabytes before the socket is full.
            .withSocketSendBuffer(8 * 1024);

    @Test
    void aPeerThatStopsReadingGetsCatchUpModeAndPositionsAfterwards() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", SETTINGS, listener);
                RawPeer peer = RawPeer.connect(server.port(), 4096)) {
            Link link = eventually().until(() -> onlyLink(server), l -> l != null);
            floodUntilCatchUp(link);
            // Stuck for good, not a burst the kernel absorbed a moment later.
            waitUpTo(Duration.ofSeconds(2)).during(Duration.ofMillis(100)).until(link::inCatchUpMode);
            link.send(new PositionCommand("kept", "master", 1, 2));
            assertThat(link.isOpen()).isTrue();
            assertThat(listener.closed).isEmpty();
            assertThat(listener.catchUps).isEmpty();
            assertThat(server.metrics().catchUpEntered()).isEqualTo(1);
            assertThat(server.metrics().rdataDiscarded()).isPositive();

            Queue<String> lines = new ConcurrentLinkedQueue<>();
            Thread reader = new Thread(() -> {
                String line;
                while (!(line = peer.readLine()).equals(RawPeer.EOF)) {
                    lines.add(line);
                }
            }, "slow-peer");
            reader.setDaemon(true);
            reader.start();

            waitUpTo(Duration.ofSeconds(10)).until(() -> listener.catchUps.size() == 1 && !link.inCatchUpMode());
            assertThat(listener.catchUps.get(0).link()).isSameAs(link);
            assertThat(listener.catchUps.get(0).streams()).isEqualTo(Set.of("events", "caches"));
            assertThat(server.metrics().catchUpLeft()).isEqualTo(1);

            // Rows of a stream with a gap wait for its POSITION; the rest was kept in order.
            link.send(RdataCommand.of("events", "master", 10_000_000, ROW));
            link.send(new PositionCommand("events", "master", 1, 10_000_000));
            link.send(RdataCommand.of("events", "master", 10_000_001, ROW));
            eventually().until(() -> lines.stream().anyMatch(l -> l.startsWith("RDATA events master 10000001 ")));
            List<String> seen = List.copyOf(lines);
            assertThat(seen).containsSubsequence("POSITION kept master 1 2", "POSITION events master 1 10000000")
                    .noneMatch(l -> l.startsWith("RDATA events master 10000000 "))
                    .noneMatch(l -> l.startsWith("ERROR"));
            assertThat(link.isOpen()).isTrue();
        }
    }

    @Test
    void aLinkUnwritablePastTheDeadlineIsClosed() {
        RecordingListener listener = new RecordingListener();
        TcpSettings settings = SETTINGS.withUnwritableDeadline(Duration.ofMillis(300));
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, listener);
                RawPeer peer = RawPeer.connect(server.port(), 4096)) {
            Link link = eventually().until(() -> onlyLink(server), l -> l != null);
            floodUntilCatchUp(link);
            eventually().until(() -> listener.closed.size() == 1);
            assertThat(listener.closed.get(0).reason()).contains("unwritable");
            assertThat(server.metrics().unwritableCloses()).isEqualTo(1);
            assertThat(link.closeFuture().toCompletableFuture()).isDone();
        }
    }

    @Test
    void aCloseThatCannotFinishIsAborted() {
        RecordingListener listener = new RecordingListener();
        TcpSettings settings = SETTINGS.withCloseTimeout(Duration.ofMillis(300));
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, listener);
                RawPeer peer = RawPeer.connect(server.port(), 4096)) {
            Link link = eventually().until(() -> onlyLink(server), l -> l != null);
            floodUntilCatchUp(link);
            link.close("bye");
            eventually().until(() -> listener.closed.size() == 1);
            assertThat(listener.closed.get(0).reason()).contains("sent ERROR bye");
            assertThat(server.metrics().aborts()).isEqualTo(1);
        }
    }

    @Test
    void aRowTooLongToSendBecomesACatchUpForItsStream() {
        RecordingListener listener = new RecordingListener();
        TcpSettings settings = SETTINGS.withMaxLineBytes(256);
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            Link link = eventually().until(() -> onlyLink(server), l -> l != null);
            RawJson big = RawJson.of("[\"" + "y".repeat(300) + "\"]");
            link.send(RdataCommand.of("events", "master", 4, big));
            eventually().until(() -> listener.catchUps.size() == 1);
            assertThat(listener.catchUps.get(0).streams()).containsExactly("events");
            link.send(RdataCommand.of("events", "master", 5, RawJson.of("[1]")));
            link.send(RdataCommand.of("caches", "master", 5, RawJson.of("[2]")));
            link.send(new PositionCommand("events", "master", 3, 5));
            link.send(RdataCommand.of("events", "master", 6, RawJson.of("[3]")));
            List<String> lines = peer.readUntil(l -> l.startsWith("RDATA events master 6"));
            assertThat(lines).containsSubsequence("RDATA caches master 5 [2]", "POSITION events master 3 5",
                    "RDATA events master 6 [3]");
            assertThat(lines).noneMatch(l -> l.startsWith("RDATA events master 4"))
                    .noneMatch(l -> l.startsWith("RDATA events master 5"));
            assertThat(server.metrics().linesTooLongNotSent()).isEqualTo(1);
            assertThat(link.isOpen()).isTrue();
        }
    }

    /** Sends rows of two streams until the link gives up queueing them. */
    private static void floodUntilCatchUp(Link link) {
        long[] token = {0};
        waitUpTo(Duration.ofSeconds(20)).until(() -> {
            for (int i = 0; i < 200; i++) {
                token[0]++;
                link.send(RdataCommand.of(token[0] % 2 == 0 ? "events" : "caches", "master", token[0], ROW));
            }
            return link.inCatchUpMode();
        });
    }

    private static Link onlyLink(TcpServer server) {
        List<Link> links = server.links();
        return links.size() == 1 ? links.get(0) : null;
    }
}
