package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.myelin.tcp.Waits.eventually;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.ReplicateCommand;

/** Sending from many threads, encode once / write many, and what closed links do with sends. */
class SendingTest {

    @Test
    void commandsFromManyThreadsArriveEachInItsThreadsOrder() throws Exception {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        int threads = 4;
        int perThread = 2_000;
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker", "peer.test",
                        TcpSettings.defaults(), clientSide).start()) {
            eventually().until(() -> server.links().size() == 1 && client.link().isPresent());
            Link link = server.links().get(0);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String stream = "s" + t;
                    done.add(pool.submit(() -> {
                        for (int i = 1; i <= perThread; i++) {
                            link.send(RdataCommand.of(stream, "master", i, RawJson.of("[" + i + "]")));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            eventually().until(() -> clientSide.commands.size() >= threads * perThread);
            Map<String, Long> last = new HashMap<>();
            for (RecordingListener.Received received : clientSide.commands) {
                RdataCommand rdata = (RdataCommand) received.command();
                long previous = last.getOrDefault(rdata.stream(), 0L);
                assertThat(rdata.token()).as(rdata.stream()).isEqualTo(previous + 1);
                last.put(rdata.stream(), rdata.token());
            }
            assertThat(server.metrics().rdataDiscarded()).isZero();
        }
    }

    @Test
    void oneEncodingIsWrittenToEveryLink() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener a = new RecordingListener();
        RecordingListener b = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                TcpClient ca = new TcpClient("127.0.0.1", server.port(), "a", null, TcpSettings.defaults(), a).start();
                TcpClient cb = new TcpClient("127.0.0.1", server.port(), "b", null, TcpSettings.defaults(), b).start()) {
            eventually().until(() -> server.links().size() == 2);
            Command position = new PositionCommand("events", "master", 1, 2);
            byte[] line = CommandCodec.encodeLine(position, server.settings().dialect());
            server.links().forEach(link -> link.sendEncoded(position, line));
            eventually().until(() -> a.received(position) && b.received(position));
            assertThatThrownBy(() -> server.links().get(0).sendEncoded(position, new byte[] {'P'}))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sendsAfterCloseAreDroppedAndCounted() {
        RecordingListener serverSide = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                RawPeer peer = RawPeer.connect(server.port())) {
            Link link = eventually().until(() -> server.links().isEmpty() ? null : server.links().get(0),
                    l -> l != null);
            link.close("bye now");
            assertThat(peer.readUntilClosed()).containsSubsequence("SERVER peer.test", "ERROR bye now", RawPeer.EOF);
            link.closeFuture().toCompletableFuture().join();
            link.send(ReplicateCommand.INSTANCE);
            assertThat(link.isOpen()).isFalse();
            assertThat(server.metrics().droppedAfterClose()).isEqualTo(1);
            assertThat(serverSide.closed).singleElement()
                    .matches(c -> c.reason().equals("sent ERROR bye now"));
        }
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheLink() {
        RecordingListener serverSide = new RecordingListener();
        serverSide.onCommand = (link, command) -> {
            throw new IllegalStateException("engine bug");
        };
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                RawPeer peer = RawPeer.connect(server.port())) {
            peer.send("REPLICATE\nREPLICATE\n");
            eventually().until(() -> serverSide.commands.size() == 2);
            assertThat(server.metrics().listenerFailures()).isEqualTo(2);
            assertThat(server.links()).singleElement().matches(Link::isOpen);
        }
    }

    @Test
    void aTakenPortIsReportedAtStart() {
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(),
                new RecordingListener())) {
            assertThatThrownBy(() -> TcpServer.start("127.0.0.1", server.port(), "peer.test",
                    TcpSettings.defaults(), new RecordingListener()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(String.valueOf(server.port()));
        }
    }

    @Test
    void settingsHaveTheProtocolDefaultsAndRefuseNonsense() {
        TcpSettings d = TcpSettings.defaults();
        assertThat(d.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.pingTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(d.closeTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(d.maxLineBytes()).isEqualTo(16_384);
        assertThat(d.reconnectInitialDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.reconnectMaxDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> d.withPingInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withMaxLineBytes(10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withReconnect(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withReconnect(Duration.ofMillis(1), Duration.ofSeconds(1), 1.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withQueueBounds(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
