package org.myelin.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.MemoryStream;
import org.myelin.core.RecordingConnection;
import org.myelin.core.task.BackgroundTasks;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RawJson;

class ReplicationReceiverTest {
    private final MemoryStream events = new MemoryStream("events");
    private final BackgroundTasks tasks = new BackgroundTasks("test", Duration.ofSeconds(5));
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private volatile String failOn;
    private final ReplicationDataHandler handler = new ReplicationDataHandler() {
        @Override
        public void onRows(String stream, String instance, long token, List<RawJson> rows) {
            if (rows.get(0).text().equals(failOn)) {
                throw new IllegalStateException("poison row");
            }
            delivered.add(stream + " " + instance + " " + token + " " + rows);
        }
    };
    private final RecordingConnection link = new RecordingConnection("link");

    private ReplicationReceiver receiver(OptionalLong from) {
        ReplicationReceiver r = new ReplicationReceiver("worker1",
                InboundStreams.of(Map.of("events", events)), handler, tasks, from, 2, 10_000);
        r.connected(link);
        return r;
    }

    private static void feed(ReplicationReceiver r, RecordingConnection link, String... lines) {
        for (String line : lines) {
            r.receive(link, CommandCodec.parse(line));
        }
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    @Test
    void rdataBeforeTheStreamsPositionIsDroppedThenRowsFlowInOrder() {
        ReplicationReceiver r = receiver(OptionalLong.empty());
        feed(r, link,
                "RDATA events master 4 [4]",
                "POSITION events master 4 4",
                "RDATA events master batch [5]",
                "RDATA events master 5 [\"5b\"]",
                "RDATA events master 5 [\"again\"]",
                "RDATA events master 6 [6]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly(
                "events master 5 [[5], [\"5b\"]]", "events master 6 [[6]]"));
        assertThat(r.rdataDropped()).isEqualTo(2);
        assertThat(r.tokens()).isEqualTo(Map.of("events", Map.of("master", 6L)));
    }

    @Test
    void aPositionAheadOfUsFetchesTheGapInBatchesBeforeLaterRdata() {
        for (int i = 1; i <= 5; i++) {
            events.append("[" + i + "]");
        }
        events.append("[\"6a\"]", "[\"6b\"]", "[\"6c\"]");
        ReplicationReceiver r = receiver(OptionalLong.of(0));
        feed(r, link, "POSITION events master 6 6", "RDATA events master 7 [7]");
        await().untilAsserted(() -> assertThat(delivered).hasSize(7));
        assertThat(delivered.get(5)).isEqualTo("events master 6 [[\"6a\"], [\"6b\"], [\"6c\"]]");
        assertThat(delivered.get(6)).isEqualTo("events master 7 [[7]]");
        assertThat(r.catchUps()).isEqualTo(1);
        assertThat(link.established).isEqualTo(1);
    }

    @Test
    void withinPrevAndNewNothingIsFetched() {
        events.failReads(new IllegalStateException("must not be read"));
        ReplicationReceiver r = receiver(OptionalLong.of(3));
        feed(r, link, "POSITION events master 2 9", "RDATA events master 10 [10]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly("events master 10 [[10]]"));
        assertThat(link.closedWith).isEmpty();
    }

    @Test
    void aStreamResetMakesUsResyncToTheNewPosition() {
        ReplicationReceiver r = receiver(OptionalLong.empty());
        feed(r, link, "POSITION events master 50 50", "POSITION events master 2 2", "RDATA events master 3 [3]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly("events master 3 [[3]]"));
    }

    @Test
    void ownEchoesAndUnfollowedStreamsAreIgnored() {
        ReplicationReceiver r = receiver(OptionalLong.empty());
        feed(r, link, "POSITION events worker1 0 0", "POSITION typing master 0 0", "POSITION events master 0 0",
                "RDATA events worker1 1 [1]", "RDATA typing master 1 [1]", "RDATA events master 1 [1]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly("events master 1 [[1]]"));
        assertThat(r.tokens()).containsOnlyKeys("events");
    }

    @Test
    void aSlowHandlerPausesReadingInsteadOfBufferingWithoutEnd() throws Exception {
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        List<Long> tokens = new CopyOnWriteArrayList<>();
        ReplicationReceiver r = new ReplicationReceiver("worker1", InboundStreams.of(Map.of("events", events)),
                (stream, instance, token, rows) -> {
                    gate.await();
                    tokens.add(token);
                }, tasks, OptionalLong.empty(), 2, 10);
        r.connected(link);
        feed(r, link, "POSITION events master 0 0");
        for (int i = 1; i <= 30; i++) {
            feed(r, link, "RDATA events master " + i + " [" + i + "]");
        }
        assertThat(link.reading).containsExactly(false);
        assertThat(r.pauses()).isEqualTo(1);
        gate.countDown();
        await().untilAsserted(() -> assertThat(tokens).hasSize(30));
        assertThat(link.reading).containsExactly(false, true);
    }

    @Test
    void aFailingRowClosesTheLinkWithoutMovingTheToken() {
        events.append("[1]");
        events.append("[\"poison\"]");
        failOn = "[\"poison\"]";
        ReplicationReceiver r = receiver(OptionalLong.of(0));
        feed(r, link, "POSITION events master 2 2", "RDATA events master 3 [3]");
        await().untilAsserted(() -> assertThat(link.closedWith).containsExactly("catch-up of stream events failed"));
        assertThat(delivered).containsExactly("events master 1 [[1]]");
        assertThat(r.tokens().get("events").get("master")).isEqualTo(1);
        assertThat(link.established).isZero();

        // after reconnecting, once the row can be handled, everything arrives once
        failOn = null;
        r.disconnected(link);
        RecordingConnection again = new RecordingConnection("again");
        r.connected(again);
        events.append("[3]");
        feed(r, again, "POSITION events master 3 3");
        await().untilAsserted(() -> assertThat(delivered).containsExactly(
                "events master 1 [[1]]", "events master 2 [[\"poison\"]]", "events master 3 [[3]]"));
        assertThat(again.established).isEqualTo(1);
    }
}
