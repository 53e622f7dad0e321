package org.myelin.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.CommandType;

class CommandCountsTest {
    private static List<String> lines(CommandCounts counts) {
        List<String> out = new ArrayList<>();
        counts.forEach((in, command, name, n) -> out.add((in ? "in " : "out ") + command + " " + name + " " + n));
        return out;
    }

    @Test
    void countsByDirectionCommandAndPeerAndOutlivesTheLink() {
        CommandCounts counts = new CommandCounts();
        CommandCounts.Peer w1 = counts.peer("w1");
        w1.received(CommandType.REPLICATE);
        w1.sent(CommandType.RDATA);
        w1.sent(CommandType.RDATA);
        // a new link of the same peer counts in the same place
        counts.peer("w1").sent(CommandType.RDATA);
        counts.peer(null).received(CommandType.NAME);
        assertThat(lines(counts)).containsExactlyInAnyOrder("in REPLICATE w1 1", "out RDATA w1 3", "in NAME anon 1");
        assertThat(counts.total(false)).isEqualTo(3);
        assertThat(counts.total(true)).isEqualTo(2);
    }

    @Test
    void peerNamesAreBoundedAndTheRestCountAsOther() {
        CommandCounts counts = new CommandCounts();
        for (int i = 0; i < CommandCounts.MAX_PEERS + 50; i++) {
            counts.peer("peer-" + i).received(CommandType.PING);
        }
        List<String> all = lines(counts);
        assertThat(all).hasSizeLessThanOrEqualTo(CommandCounts.MAX_PEERS + 1);
        assertThat(counts.total(true)).isEqualTo(CommandCounts.MAX_PEERS + 50);
        assertThat(all).anyMatch(l -> l.startsWith("in PING other "));
    }

    @Test
    void labelledCountsAreBoundedToo() {
        LabelledCounts reasons = new LabelledCounts();
        reasons.increment("peer_closed");
        reasons.increment("peer_closed");
        for (int i = 0; i < LabelledCounts.MAX_LABELS + 10; i++) {
            reasons.increment("r" + i);
        }
        assertThat(reasons.snapshot()).containsEntry("peer_closed", 2L).hasSizeLessThanOrEqualTo(
                LabelledCounts.MAX_LABELS + 1).containsKey("other");
    }
}
