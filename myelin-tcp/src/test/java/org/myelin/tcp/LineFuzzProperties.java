package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.myelin.protocol.Command;
import org.myelin.protocol.Framing;
import org.myelin.protocol.LineReader;
import org.myelin.protocol.ProtocolException;

/**
 * Fuzz of the line decoders (issue 12): lines of the Synapse captures, mutated, overlong, with
 * invalid UTF-8, split at random byte boundaries. 95,000 inputs with fixed seeds; the socket-level
 * rest of the 100,000 is {@link ServerFuzzTest}.
 *
 * <p>What must hold: nothing but {@link ProtocolException} escapes a parse; what comes out does not
 * depend on how the bytes were split (it equals decoding the whole input at once); an unfinished
 * line never holds more than the line limit.
 */
class LineFuzzProperties {
    /** Small, so that overlong lines are cheap; the logic does not depend on the value. */
    private static final int MAX = 512;
    private static final FuzzCorpus CORPUS = FuzzCorpus.load();

    record Case(byte[] input, List<byte[]> chunks) {
        @Override
        public String toString() {
            return new String(input, java.nio.charset.StandardCharsets.ISO_8859_1) + " in " + chunks.size() + " chunks";
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randomValue(random -> {
            byte[] input = CORPUS.input(random, MAX);
            return new Case(input, FuzzCorpus.split(random, input));
        });
    }

    @Property(tries = 55_000, seed = "20261129", shrinking = ShrinkingMode.OFF)
    void theNettyDecoderGivesWhatTheWholeInputHoldsHoweverItIsSplit(@ForAll("cases") Case c) {
        LineDecoder decoder = new LineDecoder(MAX);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<String> out = new ArrayList<>();
        try {
            for (byte[] chunk : c.chunks()) {
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
                assertThat(decoder.buffered()).isLessThanOrEqualTo(MAX);
                for (Object o; (o = channel.readInbound()) != null; ) {
                    out.add(describe(o));
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(out).isEqualTo(reference(c.input()));
    }

    @Property(tries = 40_000, seed = "20261130", shrinking = ShrinkingMode.OFF)
    void theStreamReaderSplitsLinesAsTheyAreAndOnlyProtocolExceptionsEscape(@ForAll("cases") Case c)
            throws IOException {
        LineReader reader = new LineReader(new ChunkedStream(c.chunks()), MAX);
        List<String> lines = new ArrayList<>();
        while (true) {
            byte[] line;
            try {
                line = reader.next();
            } catch (ProtocolException e) {
                assertThat(e.reason()).isEqualTo(Framing.LINE_TOO_LONG);
                lines.add("too long");
                continue;
            }
            if (line == null) {
                break;
            }
            assertThat(line.length).isLessThanOrEqualTo(MAX);
            lines.add(new String(line, java.nio.charset.StandardCharsets.ISO_8859_1));
            try {
                Framing.decodeLine(line, 0, line.length);
            } catch (ProtocolException expected) {
                // a bad line is the peer's problem, reported as such
            }
        }
        assertThat(lines).isEqualTo(segments(c.input()));
    }

    private static String describe(Object o) {
        if (o instanceof Command command) {
            return command.toString();
        }
        BadLine bad = (BadLine) o;
        return bad.tooLong() ? "too long" : bad.reason();
    }

    /** What the decoder must give: the whole input decoded at once, up to the first bad line. */
    private static List<String> reference(byte[] input) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int eol = indexOf(input, start);
            int end = eol < 0 ? input.length : eol;
            if (end - start > MAX) {
                out.add("too long");
                return out;
            }
            if (eol < 0) {
                return out;
            }
            try {
                Command command = Framing.decodeLine(input, start, end - start);
                if (command != null) {
                    out.add(command.toString());
                }
            } catch (ProtocolException e) {
                out.add("failed to parse line: " + e.reason());
                return out;
            }
            start = eol + 1;
        }
    }

    /** The lines of the input as a stream reader must give them: overlong ones reported, the last unfinished one too. */
    private static List<String> segments(byte[] input) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < input.length) {
            int eol = indexOf(input, start);
            int end = eol < 0 ? input.length : eol;
            out.add(end - start > MAX ? "too long"
                    : new String(input, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1));
            start = end + 1;
        }
        return out;
    }

    private static int indexOf(byte[] input, int from) {
        for (int i = from; i < input.length; i++) {
            if (input[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Gives the chunks one {@code read} at a time, as a socket would. */
    private static final class ChunkedStream extends InputStream {
        private final Iterator<byte[]> chunks;
        private byte[] current = new byte[0];
        private int at;

        ChunkedStream(List<byte[]> chunks) {
            this.chunks = chunks.iterator();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (at == current.length) {
                if (!chunks.hasNext()) {
                    return -1;
                }
                current = chunks.next();
                at = 0;
            }
            int n = Math.min(len, current.length - at);
            System.arraycopy(current, at, b, off, n);
            at += n;
            return n;
        }
    }
}
