package org.myelin.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.myelin.core.link.EncodedBurst;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU of the writer's fan-out path for one batch of 100 new rows (143-byte rows, as the issue's)
 * to 10 links, in rows per second (a row counts once, whatever the links), without the kernel:
 * each link is a Netty {@link EmbeddedChannel} whose last handler takes the bytes and drops them.
 *
 * <ul>
 *   <li>{@code perLine} (the path before issue 11): rows wrapped with {@code RawJson.of} (as read
 *       from a store: line-break check, then the compactness scan at encode), each line encoded
 *       once and written to every link separately through an {@code IdleStateHandler} (whose
 *       write turns the void promise into a real one with a listener), one flush per link;</li>
 *   <li>{@code burst} (the path now): rows wrapped with {@code RawJson.ofStored}, every line
 *       encoded once into one {@link EncodedBurst}, one write of the joined lines and one flush per
 *       link, through no write-intercepting handler;</li>
 *   <li>{@code encodeOnly}: the encoding of {@code burst} without any link, the floor of the two.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanoutPathBenchmark {
    private static final int ROWS = 100;

    @Param({"10"})
    int links;

    private String[] texts;
    private List<EmbeddedChannel> perLineLinks;
    private List<EmbeddedChannel> burstLinks;

    /** Takes what is written and releases it, as a socket that always has room would. */
    private static final class Sink extends ChannelOutboundHandlerAdapter {
        long bytes;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ByteBuf buf = (ByteBuf) msg;
            bytes += buf.readableBytes();
            buf.release();
            promise.trySuccess();
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing to push: the sink took the bytes already
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        texts = new String[ROWS];
        String padding = "x".repeat(143 - "[123456,12345678901234567,\"\"]".length());
        for (int i = 0; i < ROWS; i++) {
            texts[i] = "[" + (100_000 + i) + "," + (12_345_678_901_234_567L + i) + ",\"" + padding + "\"]";
        }
        perLineLinks = new ArrayList<>();
        burstLinks = new ArrayList<>();
        for (int i = 0; i < links; i++) {
            perLineLinks.add(new EmbeddedChannel(new Sink(), new IdleStateHandler(25, 5, 0, TimeUnit.SECONDS)));
            burstLinks.add(new EmbeddedChannel(new Sink()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        perLineLinks.forEach(EmbeddedChannel::finishAndReleaseAll);
        burstLinks.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void perLine() {
        for (int i = 0; i < ROWS; i++) {
            RdataCommand command = new RdataCommand("events", "master", (long) (i + 1), RawJson.of(texts[i]));
            byte[] line = CommandCodec.encodeLine(command, Dialect.LATEST);
            for (EmbeddedChannel link : perLineLinks) {
                link.write(Unpooled.wrappedBuffer(line), link.voidPromise());
            }
        }
        for (EmbeddedChannel link : perLineLinks) {
            link.flush();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public void burst() {
        EncodedBurst burst = encode();
        for (EmbeddedChannel link : burstLinks) {
            link.write(Unpooled.wrappedBuffer(burst.joined()), link.voidPromise());
            link.flush();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public EncodedBurst encodeOnly() {
        return encode();
    }

    private EncodedBurst encode() {
        List<RdataCommand> commands = new ArrayList<>(ROWS);
        List<byte[]> lines = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            RdataCommand command = new RdataCommand("events", "master", (long) (i + 1), RawJson.ofStored(texts[i]));
            commands.add(command);
            lines.add(CommandCodec.encodeLine(command, Dialect.LATEST));
        }
        return new EncodedBurst(commands, lines);
    }
}
