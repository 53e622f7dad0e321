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
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
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
            // Answers are merged (one outstanding per link) or coalesced in the queue, whichever the
            // timing gives: either way fewer POSITIONs than the 750,000 asked for are produced. How
            // many fewer depends on how many answers the streamer finishes while the event loop
            // decodes a chunk: 78,432 on one quiet machine, 219,492 on a faster one, so only "fewer"
            // is asserted; the memory bound above is the one a user relies on.
            assertThat(engine.streamer().positionsSent() + server.metrics().positionsCoalesced())
                    .isLessThan(750_000);
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

    @Test
    void rowsTheStalledEventLoopCannotTakeLeaveAGapThatOnlyAPositionCloses() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "bounded.test", TcpSettings.defaults(), listener);
                java.net.Socket peer = new java.net.Socket("127.0.0.1", server.port())) {
            NettyLink link = (NettyLink) waitUpTo(Duration.ofSeconds(10)).until(() -> onlyLink(server), l -> l != null);
            List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(peer.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            }, "reading-peer");
            reader.setDaemon(true);
            reader.start();
            java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
            link.channel().eventLoop().execute(() -> {
                try {
                    stalled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int rows = NettyLink.INBOX_BOUND + 5000;
            for (int token = 1; token <= rows; token++) {
                link.send(RdataCommand.of("events", "master", token, RawJson.of("[" + token + "]")));
            }
            stalled.countDown();
            waitUpTo(Duration.ofSeconds(30)).until(() -> !listener.catchUps.isEmpty());
            assertThat(listener.catchUps.get(0).streams()).containsExactly("events");
            assertThat(server.metrics().inboxRdataDiscarded()).isEqualTo(5000);
            // What the engine then does: a POSITION from the streaming thread, then the next row.
            link.send(new PositionCommand("events", "master", rows, rows));
            link.send(RdataCommand.of("events", "master", rows + 1, RawJson.of("[0]")));
            waitUpTo(Duration.ofSeconds(30)).until(() -> lines.contains("RDATA events master " + (rows + 1) + " [0]"));
            // Never a row after a missing one without a POSITION in between.
            long last = 0;
            for (String line : lines) {
                if (line.startsWith("POSITION events ")) {
                    last = Long.parseLong(line.split(" ")[4]);
                } else if (line.startsWith("RDATA events ")) {
                    long token = Long.parseLong(line.split(" ")[3]);
                    assertThat(token).as("row after %d", last).isEqualTo(last + 1);
                    last = token;
                }
            }
            assertThat(link.isOpen()).isTrue();
        }
    }

    @Test
    void commandsThatMayNotBeDroppedCloseALinkWhoseEventLoopCannotTakeThem() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "bounded.test", TcpSettings.defaults(), listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            NettyLink link = (NettyLink) waitUpTo(Duration.ofSeconds(10)).until(() -> onlyLink(server), l -> l != null);
            java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
            link.channel().eventLoop().execute(() -> {
                try {
                    stalled.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i <= 2 * NettyLink.INBOX_BOUND; i++) {
                link.send(new RemoteServerUpCommand("s" + i));
            }
            stalled.countDown();
            waitUpTo(Duration.ofSeconds(30)).until(() -> listener.closed.size() == 1);
            assertThat(listener.closed.get(0).reason()).contains("ERROR Failed to keep up");
            assertThat(server.metrics().queueOverflows()).isPositive();
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
