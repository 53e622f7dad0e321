package org.myelin.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.MemoryStream;
import org.myelin.core.RecordingConnection;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
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

    /**
     * Two writers of one stream on one link (a Redis bus), both listed in the resume positions: the
     * safe position counts the one not heard of yet at its resume token; one writer's POSITION does
     * not let the other's RDATA skip rows this worker has not seen (that RDATA is dropped and the
     * writer's POSITION fetches the gap); batches of the two writers interleave.
     */
    @Test
    void theSafePositionCountsResumedWritersAndASecondWritersRdataNeverSkipsItsGap() {
        Map<String, List<StreamRow>> byWriter = Map.of(
                "w1", List.of(new StreamRow(2, RawJson.of("[2]")), new StreamRow(4, RawJson.of("[4]")),
                        new StreamRow(5, RawJson.of("[5]")), new StreamRow(6, RawJson.of("[6]"))),
                "w2", List.of(new StreamRow(1, RawJson.of("[1]")), new StreamRow(3, RawJson.of("[3]"))));
        UpdateFunction shared = (instance, from, upto, limit) -> new UpdateBatch(byWriter.get(instance).stream()
                .filter(row -> row.token() > from && row.token() <= upto).toList(), upto, false);
        ReplicationReceiver r = new ReplicationReceiver("worker1", InboundStreams.of(Map.of("events", shared)),
                handler, tasks, ResumePositions.of(Map.of("events", Map.of("w1", 0L, "w2", 0L))), 100, 10_000,
                Duration.ofMillis(500));
        r.connected(link);
        assertThat(r.safePositions()).as("both writers counted before either is heard").isEqualTo(
                Map.of("events", 0L));
        feed(r, link, "POSITION events w2 3 3", "RDATA events w1 5 [5]", "RDATA events w1 6 [6]");
        await().untilAsserted(() -> assertThat(r.rdataDropped()).isEqualTo(2));
        assertThat(r.safePositions()).isEqualTo(Map.of("events", 0L));
        feed(r, link, "POSITION events w1 6 6", "RDATA events w1 batch [\"7a\"]", "RDATA events w2 8 [8]",
                "RDATA events w1 7 [\"7b\"]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly(
                "events w2 1 [[1]]", "events w2 3 [[3]]",
                "events w1 2 [[2]]", "events w1 4 [[4]]", "events w1 5 [[5]]", "events w1 6 [[6]]",
                "events w2 8 [[8]]", "events w1 7 [[\"7a\"], [\"7b\"]]"));
        assertThat(r.safePositions()).isEqualTo(Map.of("events", 7L));
    }

    @Test
    void onASharedBusOneWritersPositionDoesNotLetAnotherWritersRdataSkipItsGap() {
        for (int i = 1; i <= 5; i++) {
            events.append("[" + i + "]");
        }
        ReplicationReceiver r = receiver(OptionalLong.of(0));
        // writer2's RDATA beats writer2's POSITION: it lies past rows only that POSITION's catch-up fetches
        feed(r, link,
                "POSITION events writer1 3 3",
                "RDATA events writer2 5 [5]",
                "POSITION events writer2 5 5");
        await().untilAsserted(() -> assertThat(delivered).filteredOn(d -> d.contains("writer2")).containsExactly(
                "events writer2 1 [[1]]", "events writer2 2 [[2]]", "events writer2 3 [[3]]",
                "events writer2 4 [[4]]", "events writer2 5 [[5]]"));
        assertThat(r.rdataDropped()).isEqualTo(1);
    }

    @Test
    void batchesOfWritersInterleavedOnOneBusStayWithTheirWriter() {
        ReplicationReceiver r = receiver(OptionalLong.empty());
        feed(r, link,
                "POSITION events writer1 5 5",
                "POSITION events writer2 5 5",
                "RDATA events writer1 batch [\"a\"]",
                "RDATA events writer2 6 [\"b\"]",
                "RDATA events writer1 7 [\"c\"]");
        await().untilAsserted(() -> assertThat(delivered).containsExactly(
                "events writer2 6 [[\"b\"]]", "events writer1 7 [[\"a\"], [\"c\"]]"));
    }

    @Test
    void lagIsHowFarTheWriterAnnouncedBeyondWhatWasHandled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ReplicationReceiver r = new ReplicationReceiver("worker1", InboundStreams.of(Map.of("events", events)),
                new ReplicationDataHandler() {
                    @Override
                    public void onRows(String stream, String instance, long token, List<RawJson> rows)
                            throws Exception {
                        release.await(10, TimeUnit.SECONDS); // a slow handler: rows pile up
                        delivered.add(stream + " " + token);
                    }
                }, tasks, OptionalLong.empty(), 2, 10_000);
        r.connected(link);
        feed(r, link, "POSITION events master 3 3");
        await().untilAsserted(() -> assertThat(r.lag()).isEqualTo(Map.of("events", Map.of("master", 0L))));
        feed(r, link, "RDATA events master 4 [4]", "RDATA events master batch [5]", "RDATA events master 5 [5]",
                "RDATA events master 9 [9]");
        await().untilAsserted(() -> assertThat(r.lag()).isEqualTo(Map.of("events", Map.of("master", 6L))));
        release.countDown();
        await().untilAsserted(() -> assertThat(r.lag()).isEqualTo(Map.of("events", Map.of("master", 0L))));
        assertThat(delivered).containsExactly("events 4", "events 5", "events 9");
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

    /** An update function over rows 1..size (one row per token), made up on demand. */
    private static UpdateFunction counting(long size) {
        return (instance, from, upto, limit) -> {
            List<StreamRow> rows = new ArrayList<>();
            long last = Math.min(upto, size);
            for (long t = from + 1; t <= last && rows.size() < limit; t++) {
                rows.add(new StreamRow(t, RawJson.of("[" + t + "]")));
            }
            long reached = rows.isEmpty() ? upto : rows.get(rows.size() - 1).token();
            return new UpdateBatch(rows, rows.size() == limit && reached < upto ? reached : upto,
                    rows.size() == limit && reached < upto);
        };
    }

    private ReplicationReceiver receiver(InboundStreams streams, ReplicationDataHandler h, ResumePositions resume,
            Duration grace) {
        ReplicationReceiver r = new ReplicationReceiver("worker1", streams, h, tasks, resume, 100, 10_000, grace);
        r.connected(link);
        return r;
    }

    @Test
    void closingStopsALongCatchUpPromptlyAndNothingIsDeliveredAfter() throws Exception {
        AtomicLong deliveredAfterClose = new AtomicLong();
        AtomicBoolean closedFlag = new AtomicBoolean();
        AtomicLong rows = new AtomicLong();
        ReplicationReceiver r = receiver(new InboundStreams(Set.of("events"), Set.of("events"),
                s -> counting(200_000)), (stream, instance, token, batch) -> {
                    if (closedFlag.get()) {
                        deliveredAfterClose.incrementAndGet();
                    }
                    rows.incrementAndGet();
                    Thread.sleep(0, 200_000); // a slow-ish handler
                }, ResumePositions.everyStreamFrom(0), Duration.ofMillis(500));
        feed(r, link, "POSITION events master 200000 200000");
        await().until(() -> rows.get() > 1000);
        long start = System.nanoTime();
        r.close();
        tasks.close(); // what the engine does: wait for the running handler call
        closedFlag.set(true);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        long at = rows.get();
        assertThat(millis).as("close took %d ms", millis).isLessThan(1000);
        assertThat(at).isLessThan(200_000);
        assertThat(deliveredAfterClose.get()).isZero();
        assertThat(link.closedWith).as("stopping is not a failure").isEmpty();
    }

    @Test
    void aLinkThatClosesStopsItsCatchUpEvenInsideAFetch() throws Exception {
        CountDownLatch inFetch = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        UpdateFunction hanging = (instance, from, upto, limit) -> {
            inFetch.countDown();
            try {
                new CountDownLatch(1).await(); // an HTTP fetch that would hang for long
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return UpdateBatch.empty(upto);
        };
        ReplicationReceiver r = receiver(new InboundStreams(Set.of("events"), Set.of("events"), s -> hanging),
                handler, ResumePositions.everyStreamFrom(0), Duration.ofMillis(500));
        feed(r, link, "POSITION events master 5 5");
        assertThat(inFetch.await(30, TimeUnit.SECONDS)).isTrue();
        r.disconnected(link);
        assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("fetch interrupted").isTrue();
        await().untilAsserted(() -> assertThat(tasks.stats().get("replication-stream-events").running()).isZero());
        assertThat(delivered).isEmpty();
        assertThat(link.closedWith).isEmpty();
        assertThat(r.tokens()).isEmpty();
    }

    @Test
    void eachStreamAndWriterResumesFromItsOwnToken() {
        MemoryStream typing = new MemoryStream("typing");
        for (int i = 1; i <= 10; i++) {
            events.append("[" + i + "]");
        }
        typing.append("[\"t1\"]");
        typing.append("[\"t2\"]");
        ReplicationReceiver r = receiver(new InboundStreams(Set.of("events", "typing"), Set.of("events", "typing"),
                Map.of("events", (UpdateFunction) events, "typing", typing)::get), handler,
                ResumePositions.of(Map.of("events", Map.of("master", 8L), "typing", Map.of("master", 1L))),
                Duration.ofMillis(500));
        // one token for both (8) would have reset typing (at 2) and skipped nothing of events
        feed(r, link, "POSITION events master 10 10", "POSITION typing master 2 2");
        await().untilAsserted(() -> assertThat(delivered).containsExactlyInAnyOrder(
                "events master 9 [[9]]", "events master 10 [[10]]", "typing master 2 [[\"t2\"]]"));
        await().untilAsserted(() -> assertThat(link.established).isEqualTo(1));
    }

    @Test
    void followingEveryStreamCountsTheLinkEstablishedOnceTheAnnouncedStreamsCaughtUp() {
        ReplicationReceiver r = receiver(new InboundStreams(Set.of(), Set.of(), s -> events), handler,
                ResumePositions.atAnnounced(), Duration.ofMillis(200));
        feed(r, link, "POSITION events master 0 0", "POSITION typing master 0 0");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(link.established).isEqualTo(1));
    }

    @Test
    void anRdataAfterTheBurstEndsTheAnnouncementAtOnce() {
        ReplicationReceiver r = receiver(new InboundStreams(Set.of(), Set.of(), s -> events), handler,
                ResumePositions.atAnnounced(), Duration.ofHours(1));
        feed(r, link, "POSITION events master 0 0", "POSITION typing master 0 0", "RDATA typing master 1 [1]");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(link.established).isEqualTo(1));
        assertThat(delivered).containsExactly("typing master 1 [[1]]");
    }

    @Test
    void aFollowedStreamTheWriterDoesNotHaveDoesNotHoldTheLinkBack() {
        ReplicationReceiver r = receiver(new InboundStreams(Set.of("events", "federation"),
                Set.of("events", "federation"), s -> events), handler, ResumePositions.atAnnounced(),
                Duration.ofMillis(200));
        feed(r, link, "POSITION events master 0 0", "POSITION typing master 0 0");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(link.established).isEqualTo(1));
    }
}
