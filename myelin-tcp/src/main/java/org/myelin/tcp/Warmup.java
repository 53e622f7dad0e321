package org.myelin.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.myelin.core.link.EncodedBurst;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a server link's whole outbound path when the first server of the JVM starts, so that its
 * classes are loaded and its hot methods compiled before the first real row: first on an
 * in-memory channel (handshake, bursts of RDATA, the queue, keepalive, flushes), then over a real
 * loopback socket on the server's own event loops (the hand-off from another thread, Netty's NIO
 * write path, the selector). Without the second part a cold writer still delivered its first
 * second's rows 60-250 ms late at 1,000 rows/s to 10 readers: a plain Netty server run cold in the
 * same bench showed the same stall, so it is the JVM's interpreted socket path, not Myelin's
 * logic. Bounded to {@link #BUDGET_NANOS} per part; off with {@code -Dmyelin.warmup=false}.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final AtomicBoolean DONE = new AtomicBoolean();
    private static final long BUDGET_NANOS = 400_000_000L;
    private static final int BURSTS = 400;

    private Warmup() {}

    /** Once per JVM; never fails the caller. */
    static void once(TcpSettings settings, EventLoopGroup group) {
        if (!Boolean.parseBoolean(System.getProperty("myelin.warmup", "true")) || !DONE.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        int bursts = inMemory(settings, start + BUDGET_NANOS);
        log.debug("warm-up: {} bursts of 100 RDATA in {} ms", bursts, (System.nanoTime() - start) / 1_000_000);
        warmAllocators(group);
        long socketStart = System.nanoTime();
        try {
            long lines = overLoopback(group, settings, socketStart + BUDGET_NANOS);
            log.debug("warm-up: {} lines over a loopback socket in {} ms", lines,
                    (System.nanoTime() - socketStart) / 1_000_000);
        } catch (Exception | LinkageError e) {
            log.debug("loopback warm-up stopped: {}", e.toString());
        }
    }

    /**
     * Has every event loop's pooled allocator take its first chunk now. Each loop allocates from an
     * arena of its own, and an arena's first buffer maps a 4 MB chunk: without this, the first link
     * on each loop pays for it (and the memory is charged to whichever links come first).
     */
    private static void warmAllocators(EventLoopGroup group) {
        for (EventExecutor loop : group) {
            try {
                loop.submit(() -> ByteBufAllocator.DEFAULT.directBuffer(2048).release()).sync();
            } catch (Exception e) {
                log.debug("allocator warm-up stopped: {}", e.toString());
                return;
            }
        }
    }

    /** The in-memory part: bursts of 100 RDATA through a link on an embedded channel; returns how many. */
    static int inMemory(TcpSettings settings, long deadline) {
        int bursts = 0;
        try {
            EmbeddedChannel channel = new EmbeddedChannel(false, false);
            // registered first: a link takes its event loop from the channel when made
            channel.register();
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
            channel.pipeline().fireChannelActive();
            channel.writeInbound(Unpooled.copiedBuffer("NAME warmup\nREPLICATE\nPING 1\n", StandardCharsets.US_ASCII));
            String padding = "x".repeat(100);
            for (; bursts < BURSTS && System.nanoTime() < deadline; bursts++) {
                List<Command> commands = new ArrayList<>(100);
                List<byte[]> lines = new ArrayList<>(100);
                for (int i = 0; i < 100; i++) {
                    long token = bursts * 100L + i + 1;
                    // half as an application hands rows over (checked for compactness, which loads
                    // Jackson: 100-150 ms of class loading and locale data the first row of a cold
                    // JVM used to pay), half as a store does
                    String text = "[" + token + ",\"" + padding + "\"]";
                    RdataCommand rdata = new RdataCommand("warmup", "warmup", token,
                            i % 2 == 0 ? RawJson.of(text) : RawJson.ofStored(text));
                    commands.add(rdata);
                    lines.add(CommandCodec.encodeLine(rdata, Dialect.LATEST));
                }
                commands.add(new PositionCommand("warmup", "warmup", bursts * 100L, bursts * 100L + 100));
                lines.add(CommandCodec.encodeLine(commands.get(commands.size() - 1), Dialect.LATEST));
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
        return bursts;
    }

    /** Lines the loopback part may send ahead of what its reader took: far below any queue bound. */
    private static final int WINDOW_LINES = 2_000;

    /**
     * Streams small and large bursts from this thread through a server link on {@code group} to a
     * plain blocking socket that reads and discards, until {@code deadline}.
     *
     * @return the lines the socket received
     */
    static long overLoopback(EventLoopGroup group, TcpSettings settings, long deadline) throws Exception {
        CompletableFuture<NettyLink> opened = new CompletableFuture<>();
        LinkListener listener = new LinkListener() {
            @Override
            public void onOpen(Link l) {
                opened.complete((NettyLink) l);
            }

            @Override
            public void onCommand(Link l, Command command) {}

            @Override
            public void onCatchUpNeeded(Link l, Set<String> streams) {}

            @Override
            public void onClose(Link l, String reason) {
                opened.completeExceptionally(new IllegalStateException("closed: " + reason));
            }
        };
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LinkPipeline.install(ch, Side.SERVER, settings, new TcpMetrics(), listener, new LinkHooks() {},
                                "warmup", null);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
        AtomicLong received = new AtomicLong();
        try (java.nio.channels.SocketChannel client = java.nio.channels.SocketChannel.open(server.localAddress())) {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.write(ByteBuffer.wrap("NAME warmup\nREPLICATE\n".getBytes(StandardCharsets.US_ASCII)));
            Thread reader = new Thread(() -> discard(client, received), "myelin-warmup-reader");
            reader.setDaemon(true);
            reader.start();
            NettyLink link = opened.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            String padding = "x".repeat(100);
            long token = 0;
            long sent = 0;
            for (int burst = 0; System.nanoTime() < deadline; burst++) {
                // mostly one row per burst, as a quiet stream streams; every tenth a full page
                int rows = burst % 10 == 9 ? 100 : 1;
                List<Command> commands = new ArrayList<>(rows);
                List<byte[]> lines = new ArrayList<>(rows);
                for (int i = 0; i < rows; i++) {
                    token++;
                    RdataCommand rdata = new RdataCommand("warmup", "warmup", token,
                            RawJson.of("[" + token + ",\"" + padding + "\"]"));
                    commands.add(rdata);
                    lines.add(CommandCodec.encodeLine(rdata, Dialect.LATEST));
                }
                link.sendBurst(new EncodedBurst(commands, lines));
                sent += rows;
                while (sent - received.get() > WINDOW_LINES && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(50_000);
                }
            }
            // let the reader take what was sent, then close from this side: no broken pipe to log
            long drainDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (received.get() < sent && System.nanoTime() < drainDeadline) {
                LockSupport.parkNanos(100_000);
            }
            NettyLink done = link;
            link.channel().eventLoop().submit(() -> done.closeQuietly("start-up warm-up done")).sync();
        } finally {
            server.close().sync();
        }
        return received.get();
    }

    /** Reads until the socket closes, counting lines. */
    private static void discard(java.nio.channels.SocketChannel client, AtomicLong lines) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (client.read(buffer) >= 0) {
                buffer.flip();
                long n = 0;
                while (buffer.hasRemaining()) {
                    if (buffer.get() == '\n') {
                        n++;
                    }
                }
                lines.addAndGet(n);
                buffer.clear();
            }
        } catch (IOException e) {
            // closed at the end of the warm-up
        }
    }
}
