package org.myelin.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.ErrorCommand;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer end of direct TCP replication: accepts workers, greets each with
 * {@code SERVER <name>} and {@code PING}, and keeps one {@link Link} per connection.
 *
 * <p>Keepalive, line limits, direction checks and congestion are handled per link (see
 * {@link Link}); handler-level commands go to the {@link LinkListener}. A {@code REMOTE_SERVER_UP}
 * from one client is relayed to every other link (never back to its sender) and also passed to the
 * listener.
 */
public final class TcpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpServer.class);

    private final String serverName;
    private final TcpSettings settings;
    private final TcpMetrics metrics;
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Set<NettyLink> links = ConcurrentHashMap.newKeySet();
    private final Channel serverChannel;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Accepted connections not yet closed, refused ones included until they are gone. */
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong lastRefusalLog = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong refusalsNotLogged = new AtomicLong();

    private TcpServer(String host, int port, String serverName, TcpSettings settings, LinkListener listener,
            EventLoopGroup group, boolean ownsGroup) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        this.metrics = new TcpMetrics();
        this.group = group;
        this.ownsGroup = ownsGroup;
        LinkHooks hooks = new Hooks();
        Warmup.once(settings, group);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int open = connections.incrementAndGet();
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        if (open > settings.maxConnections()) {
                            refuse(ch, open - 1);
                            return;
                        }
                        LinkPipeline.install(ch, Side.SERVER, settings, metrics, listener, hooks, serverName, null);
                    }
                });
        try {
            this.serverChannel = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            shutDownGroup();
            throw e;
        } catch (Exception e) {
            // Netty rethrows the bind failure (a checked IOException) undeclared.
            shutDownGroup();
            throw e instanceof IOException io ? new UncheckedIOException("cannot listen on " + host + ":" + port, io)
                    : new IllegalStateException("cannot listen on " + host + ":" + port, e);
        }
        log.info("replication server '{}' listening on {}", serverName, serverChannel.localAddress());
    }

    /**
     * Binds and starts accepting, on an event loop group of its own (one thread per core), shut
     * down by {@link #close()}.
     *
     * @param host the address to bind ({@code 0.0.0.0} for all)
     * @param port the port, {@code 0} for an ephemeral one (see {@link #port()})
     * @param serverName sent in {@code SERVER}; the clients check it
     * @throws UncheckedIOException if the address cannot be bound
     */
    public static TcpServer start(String host, int port, String serverName, TcpSettings settings,
            LinkListener listener) {
        return new TcpServer(host, port, serverName, settings, listener,
                new NioEventLoopGroup(Runtime.getRuntime().availableProcessors()), true);
    }

    /**
     * Like {@link #start(String, int, String, TcpSettings, LinkListener)} on an event loop group the
     * caller owns (and shuts down).
     */
    public static TcpServer start(String host, int port, String serverName, TcpSettings settings,
            LinkListener listener, EventLoopGroup group) {
        return new TcpServer(host, port, serverName, settings, listener, group, false);
    }

    /** The bound port (the real one when started with port 0). */
    public int port() {
        return localAddress().getPort();
    }

    /** The bound address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The name sent in {@code SERVER}. */
    public String serverName() {
        return serverName;
    }

    /** The settings every link of this server uses. */
    public TcpSettings settings() {
        return settings;
    }

    /** This server's counters. */
    public TcpMetrics metrics() {
        return metrics;
    }

    /** The links open now (a snapshot). */
    public List<Link> links() {
        return List.copyOf(links);
    }

    /** Sends a command to every open link, encoding it once. */
    public void broadcast(Command command) {
        broadcastExcept(command, null);
    }

    /**
     * Sends a command to every open link but one, encoding it once.
     *
     * @param except the link to leave out, or {@code null}
     */
    public void broadcastExcept(Command command, Link except) {
        if (!settings.dialect().supports(command.type())) {
            metrics.unsupportedSkipped.increment();
            return;
        }
        byte[] line = null;
        for (NettyLink link : links) {
            if (link != except) {
                if (line == null) {
                    line = CommandCodec.encodeLine(command, settings.dialect());
                }
                link.sendEncoded(command, line);
            }
        }
    }

    /**
     * Stops accepting, closes every link with {@code ERROR server shutting down} and, when it owns
     * it, shuts the event loop group down.
     *
     * @return completes when all of that is done
     */
    public CompletionStage<Void> closeAsync() {
        if (!closing.compareAndSet(false, true)) {
            return closed;
        }
        log.info("replication server '{}' closing ({} links)", serverName, links.size());
        serverChannel.close().addListener(bound -> {
            List<CompletableFuture<Void>> closing = links.stream()
                    .map(link -> {
                        link.close("server shutting down");
                        return link.closeFuture().toCompletableFuture();
                    })
                    .toList();
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
                if (ownsGroup) {
                    group.shutdownGracefully(0, 1, TimeUnit.SECONDS)
                            .addListener(done -> closed.complete(null));
                } else {
                    closed.complete(null);
                }
            });
        });
        return closed;
    }

    /** {@link #closeAsync()} and waits, at most the close timeout and a bit. */
    @Override
    public void close() {
        try {
            closeAsync().toCompletableFuture()
                    .get(settings.closeTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("replication server '{}' did not close cleanly: {}", serverName, e.toString());
        }
    }

    /** How often at most a refused connection is logged; the others are counted in the next line. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * Over the connection cap: the connection gets {@code ERROR too many connections} and is
     * closed, without a link, reading nothing from it.
     */
    private void refuse(SocketChannel ch, int open) {
        metrics.connectionsRefused.increment();
        long now = System.nanoTime();
        long last = lastRefusalLog.get();
        if ((last == Long.MIN_VALUE || now - last >= REFUSAL_LOG_INTERVAL_NANOS)
                && lastRefusalLog.compareAndSet(last, now)) {
            log.warn("refusing a connection from {}: {} connections open, the cap is {} ({} more refused since"
                    + " last said)", ch.remoteAddress(), open, settings.maxConnections(),
                    refusalsNotLogged.getAndSet(0));
        } else {
            refusalsNotLogged.incrementAndGet();
        }
        ch.config().setAutoRead(false);
        byte[] line = CommandCodec.encodeLine(new ErrorCommand("too many connections"), settings.dialect());
        ch.pipeline().addLast("refuse", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                metrics.errorsSent.increment();
                ctx.writeAndFlush(Unpooled.wrappedBuffer(line)).addListener(ChannelFutureListener.CLOSE);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        // A peer that does not even take the ERROR line is not waited for.
        var deadline = ch.eventLoop().schedule(() -> ch.close(), settings.closeTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
        ch.closeFuture().addListener(f -> deadline.cancel(false));
    }

    private void shutDownGroup() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Keeps the set of open links and relays REMOTE_SERVER_UP. */
    private final class Hooks implements LinkHooks {
        @Override
        public void opened(NettyLink link) {
            links.add(link);
        }

        @Override
        public void closed(NettyLink link) {
            links.remove(link);
        }

        @Override
        public void remoteServerUp(NettyLink from, Command command) {
            metrics.remoteServerUpRelayed.increment();
            broadcastExcept(command, from);
        }
    }
}
