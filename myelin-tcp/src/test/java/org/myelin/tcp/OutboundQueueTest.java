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
