package org.myelin.core.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;

class EncodedBurstTest {
    private final List<Command> commands = List.of(
            new RdataCommand("events", "master", 5L, RawJson.ofStored("[\"a\",1]")),
            new PositionCommand("events", "master", 5, 7));
    private final List<byte[]> lines = commands.stream().map(c -> CommandCodec.encodeLine(c, Dialect.LATEST)).toList();

    @Test
    void joinsTheLinesInOrderAndKnowsTheLongest() {
        EncodedBurst burst = new EncodedBurst(commands, lines);

        assertThat(new String(burst.joined(), StandardCharsets.US_ASCII))
                .isEqualTo("RDATA events master 5 [\"a\",1]\nPOSITION events master 5 7\n");
        assertThat(burst.size()).isEqualTo(2);
        assertThat(burst.longestLine()).isEqualTo("RDATA events master 5 [\"a\",1]".length());
    }

    @Test
    void aConnectionWithoutBurstsGetsEveryCommandInOrder() {
        List<Command> sent = new ArrayList<>();
        ReplicationConnection connection = new ReplicationConnection() {
            @Override
            public String describe() {
                return "test";
            }

            @Override
            public void send(Command command) {
                sent.add(command);
            }

            @Override
            public void close(String errorReason) {}
        };

        connection.sendBurst(new EncodedBurst(commands, lines));

        assertThat(sent).containsExactlyElementsOf(commands);
    }

    @Test
    void refusesMismatchedOrUnterminatedLines() {
        assertThatThrownBy(() -> new EncodedBurst(commands, lines.subList(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EncodedBurst(commands.subList(0, 1), List.of("RDATA x".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storedRowsAreTheirOwnCanonicalText() {
        RawJson stored = RawJson.ofStored("[\"x\",{\"k\":null}]");

        assertThat(stored.canonicalText()).isSameAs(stored.text());
        assertThat(stored).isEqualTo(RawJson.of("[\"x\",{\"k\":null}]"));
    }
}
