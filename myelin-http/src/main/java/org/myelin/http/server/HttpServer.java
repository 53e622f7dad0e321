package org.myelin.http.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server on Netty that a slow or hostile client cannot stall: socket I/O is
 * non-blocking on a few event-loop threads, endpoints run on a bounded pool with a bounded queue
 * ({@code 503} with {@code Retry-After} when saturated, in requests or in body bytes waiting), a
 * request must arrive in full within the
 * read timeout, kept-alive connections are closed after the idle timeout, bodies and connections are
 * capped (see {@link HttpSettings}). {@code TCP_NODELAY} is set, so that kept-alive requests do not
 * wait on delayed ACKs.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.builder()
 *         .get("/_myelin/v1/status", statusEndpoint)
 *         .post("/_myelin/v1/streams/{stream}", appendEndpoint)
 *         .bind("127.0.0.1", 0);
 * int port = server.port();
 * }</pre>
 *
 * Unknown paths get {@code 404}, a known path with another method {@code 405} with {@code Allow},
 * an endpoint that throws {@code 500}; all errors are JSON {@code {"error": "..."}}.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final String name;
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ThreadPoolExecutor workers;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel listener;
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder busy = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BodyBudget budget;

    private HttpServer(String name, Router router, HttpSettings settings, String host, int port) throws IOException {
        this.name = name;
        this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-http-accept", true));
        this.io = new NioEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory(name + "-http-io", true));
        AtomicInteger workerIds = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(), 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueCapacity()), r -> {
                    Thread t = new Thread(r, name + "-http-worker-" + workerIds.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        RequestHandler.Counters counters = new RequestHandler.Counters(requests, busy, failures);
        this.budget = new BodyBudget(settings.maxQueuedBodyBytes());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (open.incrementAndGet() > settings.maxConnections()) {
                            open.decrementAndGet();
                            refused.increment();
                            log.warn("refusing HTTP connection from {}: {} connections open already",
                                    ch.remoteAddress(), settings.maxConnections());
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> open.decrementAndGet());
                        channels.add(ch);
                        ch.pipeline()
                                .addLast("timer", new RequestTimer(settings.readTimeout(), settings.idleTimeout(),
                                        timeouts))
                                .addLast("codec", new HttpServerCodec(4096, 8192, 8192))
                                .addLast("budget", new ReceiveBudget(budget, busy))
                                .addLast("body", new BodyLimit(settings.maxBodyBytes()))
                                .addLast("requests", new RequestHandler(router, workers, counters, budget,
                                        settings.maxPipelined()));
                    }
                });
        try {
            this.listener = bootstrap.bind(host, port).syncUninterruptibly().channel();
        } catch (Exception e) {
            shutdown();
            throw new IOException("cannot listen on " + host + ":" + port + " for HTTP: " + e.getMessage(), e);
        }
        log.info("{} HTTP listening on {}", name, listener.localAddress());
    }

    /** A builder for routes and settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The bound port (useful when listening on port 0). */
    public int port() {
        return address().getPort();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The counters so far. */
    public HttpServerStats stats() {
        return new HttpServerStats(requests.sum(), busy.sum(), failures.sum(), timeouts.sum(), refused.sum(),
                open.get(), budget.held());
    }

    /** Stops listening, closes every connection and stops the threads; calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            listener.close().syncUninterruptibly();
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            shutdown();
            log.info("{} HTTP stopped", name);
        }
    }

    private void shutdown() {
        workers.shutdownNow();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Routes, settings and a name for threads and logs, then {@link #bind}. */
    public static final class Builder {
        private final Router.Builder routes = new Router.Builder();
        private HttpSettings settings = HttpSettings.defaults();
        private String name = "myelin";

        private Builder() {}

        /** Answers {@code GET pattern}; {@code {name}} segments become path parameters. */
        public Builder get(String pattern, HttpEndpoint endpoint) {
            return route("GET", pattern, endpoint);
        }

        /** Answers {@code POST pattern}. */
        public Builder post(String pattern, HttpEndpoint endpoint) {
            return route("POST", pattern, endpoint);
        }

        /** Answers {@code method pattern}; a pattern is a path whose segments may be {@code {name}}. */
        public Builder route(String method, String pattern, HttpEndpoint endpoint) {
            routes.add(Objects.requireNonNull(method), Objects.requireNonNull(pattern),
                    Objects.requireNonNull(endpoint));
            return this;
        }

        /** The limits (default {@link HttpSettings#defaults()}). */
        public Builder settings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /** A name for the threads and log lines ({@code main}, {@code worker1}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /**
         * Starts listening.
         *
         * @throws IOException if the address cannot be bound
         */
        public HttpServer bind(String host, int port) throws IOException {
            return new HttpServer(name, routes.build(), settings, host, port);
        }
    }
}
