package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.PingCommand;
import org.myelin.protocol.ReplicateCommand;

class LineDecoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new LineDecoder(256));

    @Test
    void linesSplitAcrossReadsAreJoined() {
        byte[] input = "PING 12\r\n\nREPLICATE\nPING 3".getBytes(StandardCharsets.US_ASCII);
        for (byte b : input) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(read()).containsExactly(new PingCommand("12"), ReplicateCommand.INSTANCE);
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'4', '\n'}));
        assertThat(read()).containsExactly(new PingCommand("34"));
    }

    @Test
    void aLineOfExactlyTheLimitPassesAndOneMoreByteFails() {
        String exact = "PING " + "a".repeat(251);
        channel.writeInbound(Unpooled.copiedBuffer(exact + "\n", StandardCharsets.US_ASCII));
        assertThat(read()).containsExactly(new PingCommand("a".repeat(251)));
        channel.writeInbound(Unpooled.copiedBuffer(exact + "a\nPING 1\n", StandardCharsets.US_ASCII));
        assertThat(read()).containsExactly(new BadLine(true, "Line length exceeded"));
    }

    @Test
    void anEndlessLineFailsAsSoonAsItPassesTheLimitAndTheRestIsIgnored() {
        channel.writeInbound(Unpooled.copiedBuffer("PING " + "b".repeat(250), StandardCharsets.US_ASCII));
        assertThat(read()).isEmpty();
        channel.writeInbound(Unpooled.copiedBuffer("bb", StandardCharsets.US_ASCII));
        assertThat(read()).containsExactly(new BadLine(true, "Line length exceeded"));
        channel.writeInbound(Unpooled.copiedBuffer("\nPING 1\n", StandardCharsets.US_ASCII));
        assertThat(read()).isEmpty();
    }

    @Test
    void aBadLineStopsDecoding() {
        channel.writeInbound(Unpooled.copiedBuffer("PING 1\nBOGUS\nPING 2\n", StandardCharsets.US_ASCII));
        assertThat(read()).containsExactly(new PingCommand("1"),
                new BadLine(false, "failed to parse line: unknown command 'BOGUS'"));
    }

    private List<Object> read() {
        List<Object> out = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            out.add(message);
        }
        return out;
    }
}
