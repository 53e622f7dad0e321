package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.waitUpTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.UserSyncCommand;

/**
 * No peer can make a link hold commands without bound (issue 12, F1): a client that repeats
 * {@code REPLICATE} and never reads, and a peer that floods {@code REMOTE_SERVER_UP} towards one
 * that never reads.
 */
class BoundedLinkTest {
    private static final TcpSettings SETTINGS = TcpSettings.defaults()
            .withQueueBounds(64 * 1024, 200)
            .withUnwritableDeadline(Duration.ofSeconds(60))
            .withSocketSendBuffer(8 * 1024)
            .withCloseTimeout(Duration.ofSeconds(2));

    @Test
    void aClientRepeatingReplicateWithoutReadingIsAnsweredWithinBounds() throws Exception {
        ReplicationEngine.Builder builder = ReplicationEngine.builder("master");
        for (int i = 0; i < 15; i++) {
            builder.write(new OutboundStream("stream" + i, () -> 7,
                    (instance, from, upto, limit) -> new UpdateBatch(List.of(), upto, false)));
        }
        try (ReplicationEngine engine = builder.build();
                TcpServer server = TcpServer.start("127.0.0.1", 0, "bounded.test", SETTINGS, new EngineLinks(engine));
                RawPeer peer = RawPeer.connect(server.port(), 4096)) {
            peer.send("NAME greedy\n");
            NettyLink link = (NettyLink) waitUpTo(Duration.ofSeconds(10)).until(() -> onlyLink(server), l -> l != null);
            byte[] chunk = "REPLICATE\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            int max = 0;
            for (int i = 0; i < 50; i++) {
                peer.send(chunk);
                max = Math.max(max, queued(link));
            }
            waitUpTo(Duration.ofSeconds(30)).until(() -> server.metrics().commandsReceived() >= 50_000);
            max = Math.max(max, queued(link));
            // Without coalescing, 15 POSITIONs per REPLICATE pile up (750,000 here).
            assertThat(max).isLessThanOrEqualTo(200);
            assertThat(server.metrics().positionsCoalesced()).isPositive();
            assertThat(link.isOpen()).isTrue();
        }
    }

    @Test
    void aLinkThatCannotTakeCommandsThatMayNotBeDroppedIsClosed() {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "bounded.test", SETTINGS, listener);
                RawPeer deaf = RawPeer.connect(server.port(), 4096);
                RawPeer loud = RawPeer.connect(server.port())) {
            deaf.send("NAME deaf\n");
            waitUpTo(Duration.ofSeconds(10)).until(() -> server.links().size() == 2);
            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                flood.append("REMOTE_SERVER_UP server").append(i).append(".test\n");
            }
            loud.send(flood.toString());
            waitUpTo(Duration.ofSeconds(30)).until(() -> listener.closed.size() == 1);
            assertThat(listener.closed.get(0).link().name()).isEqualTo("deaf");
            assertThat(listener.closed.get(0).reason()).contains("ERROR Failed to keep up");
            assertThat(server.metrics().queueOverflows()).isPositive();
            waitUpTo(Duration.ofSeconds(30)).until(() -> listener.commands.size() == 5000);
            assertThat(server.links()).hasSize(1);
        }
    }

    @Test
    void aBurstOfCommandsFromOnePeerIsHandledInOrderOnBoundedThreads() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (ReplicationEngine engine = ReplicationEngine.builder("master")
                        .maxQueuedPerLink(1000)
                        .threads(2, 2)
                        .onCommand((connection, command) -> {
                            seen.add(CommandCodec.encode(command));
                            threads.add(Thread.currentThread().getName());
                        })
                        .build();
                TcpServer server = TcpServer.start("127.0.0.1", 0, "bounded.test", SETTINGS, new EngineLinks(engine));
                RawPeer peer = RawPeer.connect(server.port())) {
            List<String> sent = new ArrayList<>();
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < 100_000; i++) {
                Command c = i % 2 == 0 ? new UserSyncCommand("w1", "@u" + i + ":x", null, i % 4 == 0, i)
                        : new RemoteServerUpCommand("s" + i + ".test");
                String line = CommandCodec.encode(c);
                sent.add(line);
                chunk.append(line).append('\n');
                if (chunk.length() > 64 * 1024) {
                    peer.send(chunk.toString());
                    chunk.setLength(0);
                }
            }
            peer.send(chunk.toString());
            waitUpTo(Duration.ofSeconds(60)).until(() -> seen.size() == 100_000);
            assertThat(seen).isEqualTo(sent);
            assertThat(threads).hasSizeLessThanOrEqualTo(2);
            assertThat(engine.backgroundThreads()).isLessThanOrEqualTo(4);
            assertThat(engine.commandPauses()).isPositive();
            assertThat(server.links()).hasSize(1);
        }
    }

    private static int queued(NettyLink link) throws Exception {
        return link.channel().eventLoop().submit(link::queuedCommands).get(10, TimeUnit.SECONDS);
    }

    private static Link onlyLink(TcpServer server) {
        List<Link> links = new ArrayList<>(server.links());
        return links.size() == 1 ? links.get(0) : null;
    }
}
