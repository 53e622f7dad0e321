package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.PingCommand;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.tcp.OutboundQueue.Admission;

class OutboundQueueTest {
    private final TcpMetrics metrics = new TcpMetrics();
    private final OutboundQueue queue = new OutboundQueue(1_000_000, 5, metrics);

    @Test
    void writesAtOnceWhileNothingWaitsAndTheSocketIsWritable() {
        assertThat(admit(rdata("events", 1), true)).isEqualTo(Admission.WRITE);
        assertThat(admit(rdata("events", 2), false)).isEqualTo(Admission.QUEUED);
        // Something waits: keep the order even though the socket is writable again.
        assertThat(admit(rdata("events", 3), true)).isEqualTo(Admission.QUEUED);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(line(rdata("events", 2)).length + line(rdata("events", 3)).length);
    }

    @Test
    void hittingTheBoundDiscardsQueuedRdataButKeepsEverythingElse() {
        admit(rdata("events", 1), false);
        admit(new PingCommand("1"), false);
        admit(rdata("caches", 1), false);
        admit(new PositionCommand("typing", "master", 1, 2), false);
        admit(rdata("events", 2), false);
        assertThat(queue.inCatchUp()).isFalse();

        assertThat(admit(rdata("receipts", 1), false)).isEqualTo(Admission.DISCARDED);
        assertThat(queue.inCatchUp()).isTrue();
        assertThat(drain()).containsExactly(new PingCommand("1"), new PositionCommand("typing", "master", 1, 2));
        assertThat(queue.bytes()).isZero();
        assertThat(metrics.rdataDiscarded()).isEqualTo(4);
        assertThat(metrics.catchUpEntered()).isEqualTo(1);

        // In catch-up mode every RDATA goes; other commands still queue.
        assertThat(admit(rdata("push_rules", 1), false)).isEqualTo(Admission.DISCARDED);
        assertThat(admit(new PingCommand("2"), true)).isEqualTo(Admission.QUEUED);
        assertThat(drain()).containsExactly(new PingCommand("2"));

        assertThat(queue.leaveCatchUp()).containsExactlyInAnyOrder("events", "caches", "receipts", "push_rules");
        assertThat(queue.inCatchUp()).isFalse();
    }

    @Test
    void aGappedStreamWaitsForItsPosition() {
        queue.openGap("events");
        assertThat(admit(rdata("events", 5), true)).isEqualTo(Admission.DISCARDED);
        assertThat(admit(rdata("caches", 5), true)).isEqualTo(Admission.WRITE);
        assertThat(admit(new PositionCommand("events", "master", 4, 5), true)).isEqualTo(Admission.WRITE);
        assertThat(queue.hasGap("events")).isFalse();
        assertThat(admit(rdata("events", 6), true)).isEqualTo(Admission.WRITE);
    }

    @Test
    void aPositionDuringCatchUpDoesNotCloseTheGap() {
        for (int i = 0; i < 6; i++) {
            admit(rdata("events", i), false);
        }
        assertThat(queue.inCatchUp()).isTrue();
        admit(new PositionCommand("events", "master", 1, 2), false);
        assertThat(queue.hasGap("events")).isTrue();
        drain();
        assertThat(queue.leaveCatchUp()).containsExactly("events");
        assertThat(admit(rdata("events", 9), true)).isEqualTo(Admission.DISCARDED);
    }

    @Test
    void theByteBoundCountsToo() {
        OutboundQueue small = new OutboundQueue(100, 1000, metrics);
        RdataCommand big = RdataCommand.of("events", "master", 1, RawJson.of("[\"" + "z".repeat(60) + "\"]"));
        assertThat(small.admit(big, line(big), false)).isEqualTo(Admission.QUEUED);
        assertThat(small.admit(big, line(big), false)).isEqualTo(Admission.DISCARDED);
        assertThat(small.inCatchUp()).isTrue();
        assertThat(small.isEmpty()).isTrue();
    }

    @Test
    void repeatedPositionsOfAStreamWaitAsOne() {
        admit(rdata("events", 1), false);
        for (int i = 0; i < 1000; i++) {
            admit(new PositionCommand("events", "master", i, i), false);
            admit(new PositionCommand("caches", "master", i, i), false);
            admit(new PositionCommand("caches", "worker1", i, i), false);
        }
        assertThat(queue.inCatchUp()).isFalse();
        assertThat(drain()).containsExactly(rdata("events", 1), new PositionCommand("events", "master", 999, 999),
                new PositionCommand("caches", "master", 999, 999), new PositionCommand("caches", "worker1", 999, 999));
        assertThat(queue.bytes()).isZero();
        assertThat(metrics.positionsCoalesced()).isEqualTo(2997);
    }

    @Test
    void aPositionIsNotMovedPastAnRdataOfItsStream() {
        OutboundQueue roomy = new OutboundQueue(1_000_000, 100, metrics);
        PositionCommand first = new PositionCommand("events", "master", 1, 1);
        PositionCommand second = new PositionCommand("events", "master", 3, 3);
        PositionCommand third = new PositionCommand("events", "master", 4, 4);
        for (Command c : List.of(first, rdata("events", 2), second, new PingCommand("p"), rdata("caches", 3), third)) {
            roomy.admit(c, line(c), false);
        }
        List<Command> out = new ArrayList<>();
        for (OutboundQueue.Pending p; (p = roomy.poll()) != null; ) {
            out.add(p.command());
        }
        // The gap-closing POSITION stays before the row after it; the later one takes the place of
        // the second (no row of the stream in between), ahead of the PING.
        assertThat(out).containsExactly(first, rdata("events", 2), third, new PingCommand("p"), rdata("caches", 3));
    }

    @Test
    void aPolledPositionIsNotReplacedAnyMore() {
        admit(rdata("events", 1), false);
        admit(new PositionCommand("events", "master", 2, 2), false);
        assertThat(drain()).hasSize(2);
        assertThat(admit(new PositionCommand("events", "master", 3, 3), false)).isEqualTo(Admission.QUEUED);
        assertThat(drain()).containsExactly(new PositionCommand("events", "master", 3, 3));
    }

    @Test
    void tooManyCommandsThatCannotBeDroppedOverflow() {
        admit(rdata("events", 1), false);
        for (int i = 0; i < 5; i++) {
            assertThat(admit(new PingCommand("p" + i), false)).isEqualTo(Admission.QUEUED);
        }
        assertThat(queue.inCatchUp()).isTrue();
        assertThat(queue.size()).isEqualTo(5);
        assertThat(admit(new PingCommand("p5"), false)).isEqualTo(Admission.OVERFLOW);
        assertThat(metrics.queueOverflows()).isEqualTo(1);
        assertThat(admit(new PositionCommand("events", "master", 1, 1), false)).isEqualTo(Admission.OVERFLOW);
    }

    private Admission admit(Command command, boolean writable) {
        return queue.admit(command, line(command), writable);
    }

    private List<Command> drain() {
        List<Command> out = new ArrayList<>();
        OutboundQueue.Pending pending;
        while ((pending = queue.poll()) != null) {
            out.add(pending.command());
            assertThat(new String(pending.line(), StandardCharsets.UTF_8)).endsWith("\n");
        }
        return out;
    }

    private static RdataCommand rdata(String stream, long token) {
        return RdataCommand.of(stream, "master", token, RawJson.of("[" + token + "]"));
    }

    private static byte[] line(Command command) {
        return CommandCodec.encodeLine(command, Dialect.LATEST);
    }
}
