package org.myelin.core.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.MemoryStream;
import org.myelin.core.RecordingConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.PositionCommand;

class ReplicationStreamerTest {
    private final MemoryStream events = new MemoryStream("events");
    private final MemoryStream typing = new MemoryStream("typing");
    private ReplicationStreamer streamer;

    private ReplicationStreamer start(int fetchLimit, int maxLineBytes) {
        streamer = new ReplicationStreamer("master", List.of(events.outbound(), typing.outbound()), fetchLimit,
                maxLineBytes, Duration.ofMillis(50));
        return streamer;
    }

    @AfterEach
    void stop() {
        streamer.close();
    }

    @Test
    void aLinkRepeatingReplicateHasOneAnswerOutstanding() throws Exception {
        java.util.concurrent.CountDownLatch answering = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        RecordingConnection link = new RecordingConnection("greedy") {
            @Override
            public void send(Command command) {
                super.send(command);
                if (sent.size() == 1) {
                    answering.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        start(100, 16384).addConnection(link);
        streamer.sendPositions(link, null);
        answering.await();
        // While the first answer is being sent, the link asks 10,000 more times.
        for (int i = 0; i < 10_000; i++) {
            streamer.sendPositions(link, i % 2 == 0 ? null : List.of("events"));
        }
        release.countDown();
        await().untilAsserted(() -> assertThat(link.sent).hasSize(4));
        streamer.poke();
        await().during(Duration.ofMillis(200)).untilAsserted(() -> assertThat(link.sent).hasSize(4));
    }

    @Test
    void rowsSharingATokenGoAsBatchThenNumbered() {
        RecordingConnection link = new RecordingConnection("w1");
        start(100, 16384).addConnection(link);
        events.append("[\"ev\",1]", "[\"state\",1]");
        events.append("[\"ev\",2]");
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).containsExactly(
                "RDATA events master batch [\"ev\",1]",
                "RDATA events master 1 [\"state\",1]",
                "RDATA events master 2 [\"ev\",2]"));
    }

    @Test
    void aTokenThatMovedWithoutRowsIsAnnouncedByPosition() {
        RecordingConnection link = new RecordingConnection("w1");
        start(100, 16384).addConnection(link);
        events.append("[1]");
        events.advanceTo(5);
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).containsExactly(
                "RDATA events master 1 [1]", "POSITION events master 1 5"));
        typing.advanceTo(3);
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).endsWith("POSITION typing master 0 3"));
    }

    @Test
    void noReplayForANewLinkButPositionsOnReplicate() {
        events.append("[1]");
        RecordingConnection early = new RecordingConnection("early");
        start(100, 16384);
        RecordingConnection link = new RecordingConnection("w1");
        streamer.addConnection(link);
        streamer.poke();
        streamer.sendPositions(link, null);
        await().untilAsserted(() -> assertThat(link.sent)
                .containsExactly("POSITION events master 1 1", "POSITION typing master 0 0"));
        events.append("[2]");
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).endsWith("RDATA events master 2 [2]"));
        assertThat(early.sent).isEmpty();
    }

    @Test
    void limitedReadsAreFollowedUntilTheCurrentToken() {
        RecordingConnection link = new RecordingConnection("w1");
        start(2, 16384).addConnection(link);
        for (int i = 1; i <= 7; i++) {
            events.append("[" + i + "]");
        }
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).hasSize(7));
        assertThat(link.sent).allMatch(l -> l.startsWith("RDATA events master "));
        assertThat(link.sent.get(6)).isEqualTo("RDATA events master 7 [7]");
    }

    @Test
    void aRowTooLongForALineGoesOutOfBandThroughAPosition() {
        RecordingConnection link = new RecordingConnection("w1");
        start(100, 256).addConnection(link);
        events.append("[1]");
        events.append("[\"" + "x".repeat(400) + "\"]");
        events.append("[3]");
        streamer.poke();
        await().untilAsserted(() -> assertThat(link.sent).containsExactly(
                "RDATA events master 1 [1]", "POSITION events master 2 2", "RDATA events master 3 [3]"));
        assertThat(streamer.oversizedRows()).isEqualTo(1);
    }

    @Test
    void aFailedReadIsRetriedAndNothingIsLost() {
        RecordingConnection link = new RecordingConnection("w1");
        start(100, 16384).addConnection(link);
        events.failReads(new IllegalStateException("database is locked"));
        events.append("[1]");
        streamer.poke();
        events.failReads(null);
        await().untilAsserted(() -> assertThat(link.sent).containsExactly("RDATA events master 1 [1]"));
    }

    @Test
    void positionsAreWrittenByTheStreamerThreadWhateverThreadAsksForThem() {
        // Only the thread that writes RDATA may write POSITION: had the asking thread (a link's event
        // loop) read the token and then written, an RDATA written in between would reach a reader
        // not yet caught up, be dropped, and not be covered by the POSITION that follows it.
        List<String> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingConnection link = new RecordingConnection("w1") {
            @Override
            public void send(Command command) {
                if (command instanceof PositionCommand) {
                    writers.add(Thread.currentThread().getName());
                }
                super.send(command);
            }
        };
        start(100, 16384).addConnection(link);
        events.append("[1]");
        streamer.poke();
        streamer.sendPositions(link, null);
        streamer.sendPositions(link, List.of("typing"));
        // The second request may be merged into the first if both wait: two or three POSITIONs.
        await().untilAsserted(() -> assertThat(writers).hasSizeGreaterThanOrEqualTo(2));
        assertThat(writers).containsOnly("replication-streamer");
        // whichever came first, the POSITION covers the row: a reader catching up to it fetches row 1
        assertThat(link.sent).contains("RDATA events master 1 [1]", "POSITION events master 1 1");
    }

    @Test
    void pokesDuringARunAreNeverLost() throws Exception {
        RecordingConnection link = new RecordingConnection("w1");
        start(100, 16384).addConnection(link);
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 2000; i++) {
                events.append("[" + i + "]");
                streamer.poke();
            }
        });
        writer.start();
        writer.join();
        await().untilAsserted(() -> assertThat(link.sent).hasSize(2000));
        for (int i = 1; i <= 2000; i++) {
            assertThat(link.sent.get(i - 1)).isEqualTo("RDATA events master " + i + " [" + i + "]");
        }
    }
}
