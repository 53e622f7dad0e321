package org.myelin.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.core.link.EncodedBurst;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a server link's whole outbound path (handshake, bursts of RDATA, the queue, keepalive,
 * flushes) on an in-memory channel when the first server of the JVM starts, so that its classes
 * are loaded and its hot methods compiled before the first real row: without it, the first second
 * after start delivered rows tens of milliseconds late (class loading, interpreted code) where a
 * warm writer takes a fraction of a millisecond. Bounded to {@link #BUDGET_NANOS}; off with
 * {@code -Dmyelin.warmup=false}.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final long BUDGET_NANOS = 300_000_000L;
    private static final int BURSTS = 400;

    private Warmup() {}

    /** Once per JVM; never fails the caller. */
    static void once(TcpSettings settings) {
        if (!Boolean.parseBoolean(System.getProperty("myelin.warmup", "true")) || !DONE.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        int bursts = 0;
        try {
            EmbeddedChannel channel = new EmbeddedChannel(false, false);
            NettyLink link = LinkPipeline.install(channel, Side.SERVER, settings, new TcpMetrics(), new LinkListener() {
                @Override
                public void onOpen(Link l) {}

                @Override
                public void onCommand(Link l, Command command) {}

                @Override
                public void onCatchUpNeeded(Link l, Set<String> streams) {}

                @Override
                public void onClose(Link l, String reason) {}
            }, new LinkHooks() {}, "warmup", null);
            channel.register();
            channel.writeInbound(Unpooled.copiedBuffer("NAME warmup\nREPLICATE\nPING 1\n", StandardCharsets.US_ASCII));
            String padding = "x".repeat(100);
            for (; bursts < BURSTS && System.nanoTime() - start < BUDGET_NANOS; bursts++) {
                List<Command> commands = new ArrayList<>(100);
                List<byte[]> lines = new ArrayList<>(100);
                for (int i = 0; i < 100; i++) {
                    long token = bursts * 100L + i + 1;
                    RdataCommand rdata = new RdataCommand("warmup", "warmup", token,
                            RawJson.ofStored("[" + token + ",\"" + padding + "\"]"));
                    commands.add(rdata);
                    lines.add(CommandCodec.encodeLine(rdata, Dialect.LATEST));
                }
                link.sendBurst(new EncodedBurst(commands, lines));
                channel.runPendingTasks();
                for (Object out; (out = channel.readOutbound()) != null; ) {
                    ((ByteBuf) out).release();
                }
            }
            channel.finishAndReleaseAll();
        } catch (Exception | LinkageError e) {
            log.debug("warm-up stopped: {}", e.toString());
        }
        log.debug("warm-up: {} bursts of 100 RDATA in {} ms", bursts, (System.nanoTime() - start) / 1_000_000);
    }
}
