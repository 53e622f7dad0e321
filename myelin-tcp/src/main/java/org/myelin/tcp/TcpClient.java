package org.myelin.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker end of direct TCP replication: connects to a server, says {@code NAME},
 * {@code PING} and {@code REPLICATE}, checks the server's {@code SERVER} name and reconnects
 * forever.
 *
 * <p>Reconnects use exponential backoff with jitter ({@link TcpSettings#reconnectInitialDelay()}
 * doubling up to {@link TcpSettings#reconnectMaxDelay()}). The backoff is reset only when the
 * engine calls {@link Link#markEstablished()}; a link that drops before that keeps growing the
 * delay, so that a row the engine cannot handle never causes a tight reconnect loop.
 *
 * <p>A server that answers with another name than the expected one is a configuration error, not
 * a glitch: it is logged once at ERROR (saying both names), counted
 * ({@link TcpMetrics#wrongServerNames()}), shown by {@link #lastFailure()}, and retried every
 * {@link TcpSettings#wrongServerDelay()} (default {@link #WRONG_SERVER_DELAY}) instead of at the normal backoff, forever (the configuration may be
 * fixed on the other side).
 *
 * <p>All of the client's state lives on one event loop.
 */
public final class TcpClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpClient.class);
    /** How many recent reconnect delays {@link #reconnectDelays()} remembers. */
    private static final int DELAY_HISTORY = 64;
    /** The default wait before trying again a server that gave the wrong name ({@link TcpSettings#wrongServerDelay()}). */
    public static final Duration WRONG_SERVER_DELAY = Duration.ofSeconds(30);

    private final String host;
    private final int port;
    private final String clientName;
    private final String expectedServer;
    private final TcpSettings settings;
    private final TcpMetrics metrics = new TcpMetrics();
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    // event loop only, published through volatile fields where read elsewhere
    private final Backoff backoff;
    private final CompletableFuture<Void> firstEstablished = new CompletableFuture<>();
    private final ArrayDeque<Duration> delays = new ArrayDeque<>();
    private volatile List<Duration> delaysSnapshot = List.of();
    private volatile NettyLink link;
    private volatile Duration nextDelay;
    private volatile long attempts;
    private volatile boolean stopped;
    private volatile String lastFailure;
    private boolean started;
    /** The link that just closed ended on a wrong server name. */
    private boolean wrongServer;
    /** The wrong name last logged at ERROR, so that a repeat is not logged again. */
    private String wrongServerLogged;
    private Channel channel;
    private ScheduledFuture<?> reconnect;

    /**
     * A client on an event loop of its own (one thread), shut down by {@link #close()}. Call
     * {@link #start()} to connect.
     *
     * @param clientName sent in {@code NAME}
     * @param expectedServer the server name to insist on ({@code ERROR Wrong remote} otherwise), or
     *     {@code null} to accept any
     */
    public TcpClient(String host, int port, String clientName, String expectedServer, TcpSettings settings,
            LinkListener listener) {
        this(host, port, clientName, expectedServer, settings, listener, new NioEventLoopGroup(1), true);
    }

    /** Like the other constructor, on an event loop group the caller owns (and shuts down). */
    public TcpClient(String host, int port, String clientName, String expectedServer, TcpSettings settings,
            LinkListener listener, EventLoopGroup group) {
        this(host, port, clientName, expectedServer, settings, listener, group, false);
    }

    private TcpClient(String host, int port, String clientName, String expectedServer, TcpSettings settings,
            LinkListener listener, EventLoopGroup group, boolean ownsGroup) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.clientName = Objects.requireNonNull(clientName, "clientName");
        this.expectedServer = expectedServer;
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.loop = group.next();
        this.backoff = new Backoff(settings.reconnectInitialDelay(), settings.reconnectMaxDelay(),
                settings.reconnectJitter(), () -> ThreadLocalRandom.current().nextDouble());
        this.nextDelay = backoff.peek();
        LinkHooks hooks = new Hooks();
        this.bootstrap = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, settings.pingTimeout().toMillis()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        link = LinkPipeline.install(ch, Side.CLIENT, settings, metrics, listener, hooks,
                                clientName, expectedServer);
                    }
                });
    }

    /** Starts connecting (once; later calls do nothing). Returns this client. */
    public TcpClient start() {
        loop.execute(() -> {
            if (!started && !stopped) {
                started = true;
                connect();
            }
        });
        return this;
    }

    /** The current link, if it is open (SERVER checked, not closing). */
    public Optional<Link> link() {
        NettyLink current = link;
        return current != null && current.isOpened() && current.isOpen() ? Optional.of(current) : Optional.empty();
    }

    /** Connection attempts made so far. */
    public long attempts() {
        return attempts;
    }

    /** The delay (before jitter) the next reconnect will wait. */
    public Duration nextDelay() {
        return nextDelay;
    }

    /** The most recent reconnect delays actually waited (jitter included), oldest first. */
    public List<Duration> reconnectDelays() {
        return delaysSnapshot;
    }

    /**
     * Why the last connection attempt or link failed (a wrong server name, a refused connection),
     * or empty once a link was established since: what a status page shows.
     */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** This client's counters. */
    public TcpMetrics metrics() {
        return metrics;
    }

    /** The server name this client insists on, or {@code null}. */
    public String expectedServer() {
        return expectedServer;
    }

    private void connect() {
        if (stopped) {
            return;
        }
        attempts++;
        metrics.connectAttempts.increment();
        log.info("'{}' connecting to {}:{} (attempt {})", clientName, host, port, attempts);
        ChannelFuture future = bootstrap.connect(host, port);
        channel = future.channel();
        future.addListener(done -> {
            if (!done.isSuccess()) {
                metrics.connectFailures.increment();
                lastFailure = "cannot connect to " + host + ":" + port + ": " + done.cause();
                log.info("'{}' cannot connect to {}:{}: {}", clientName, host, port, done.cause().toString());
                // The channel never became active: no close hook will run for it.
                scheduleReconnect();
            }
        });
    }

    private void scheduleReconnect() {
        channel = null;
        if (stopped) {
            return;
        }
        Duration delay = backoff.next();
        if (wrongServer) {
            // Retrying at full speed cannot help until someone fixes a configuration.
            wrongServer = false;
            delay = settings.wrongServerDelay();
        }
        nextDelay = backoff.peek();
        delays.addLast(delay);
        if (delays.size() > DELAY_HISTORY) {
            delays.removeFirst();
        }
        delaysSnapshot = List.copyOf(delays);
        log.info("'{}' reconnecting to {}:{} in {} ms ({} failures since last established)", clientName, host,
                port, delay.toMillis(), backoff.failures());
        reconnect = loop.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops for good: no more reconnects; the current link (if any) is closed (without an
     * {@code ERROR}: shutting down is not a fault); an owned event loop is shut down.
     *
     * @return completes when all of that is done
     */
    public CompletionStage<Void> closeAsync() {
        if (loop.isShuttingDown()) {
            return closed; // closed before: the loop that would do the work is gone
        }
        loop.execute(() -> {
            if (stopped) {
                return;
            }
            stopped = true;
            if (reconnect != null) {
                reconnect.cancel(false);
            }
            NettyLink current = link;
            CompletableFuture<Void> linkClosed;
            if (channel != null && current != null && channel == current.channel()) {
                // A clean shutdown is not an error: close without ERROR (as Synapse's workers do), so
                // that the server does not log every worker restart as a fault.
                current.closeQuietly("client shutting down");
                linkClosed = current.closeFuture().toCompletableFuture();
            } else {
                linkClosed = CompletableFuture.completedFuture(null);
            }
            linkClosed.whenComplete((v, e) -> {
                log.info("'{}' stopped", clientName);
                if (ownsGroup) {
                    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).addListener(f -> closed.complete(null));
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
            closeAsync().toCompletableFuture().get(settings.closeTimeout().toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("'{}' did not close cleanly: {}", clientName, e.toString());
        }
    }

    /**
     * Completes the first time the engine marks one of this client's links established (every
     * stream caught up): from then on it takes live RDATA.
     */
    public CompletionStage<Void> established() {
        return firstEstablished.minimalCompletionStage();
    }

    /** Resets the backoff when the engine says so and reconnects when a link ends. */
    private final class Hooks implements LinkHooks {
        @Override
        public void established(NettyLink established) {
            try {
                loop.execute(() -> {
                    if (established == link && established.isOpen()) {
                        backoff.reset();
                        nextDelay = backoff.peek();
                        lastFailure = null;
                        wrongServerLogged = null;
                        firstEstablished.complete(null);
                        log.info("{}: link established; reconnect backoff reset", established);
                    }
                });
            } catch (RejectedExecutionException e) {
                log.debug("'{}' already closed; established link ignored", clientName);
            }
        }

        @Override
        public void wrongServer(NettyLink from, String serverName) {
            if (from != link) {
                return;
            }
            wrongServer = true;
            String shown = PeerText.name(serverName);
            lastFailure = "the server at " + host + ":" + port + " says it is '" + shown + "', expected '"
                    + expectedServer + "'";
            if (!serverName.equals(wrongServerLogged)) {
                wrongServerLogged = serverName;
                log.error("'{}': {}: check the server name configured here or there; retrying every {} s"
                        + " (not logged again while it stays so)", clientName, lastFailure,
                        settings.wrongServerDelay().toSeconds());
            } else {
                log.debug("'{}': {}", clientName, lastFailure);
            }
        }

        @Override
        public void closed(NettyLink closedLink) {
            if (closedLink == link) {
                scheduleReconnect();
            }
        }
    }
}
