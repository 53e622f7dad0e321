package org.myelin.server.worker;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.catchup.HttpUpdateFunction;
import io.lettuce.core.RedisURI;
import org.myelin.redis.EngineBus;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;
import org.myelin.server.cli.HostPort;
import org.myelin.tcp.EngineLinks;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.LinkListener;
import org.myelin.tcp.TcpClient;
import org.myelin.tcp.TcpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker ({@code myelin worker}): follows streams over a reconnecting TCP link and hands each row
 * to a handler exactly once, in token order, catching up from the main process's SQLite file or
 * over HTTP when it missed rows.
 */
public final class WorkerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerProcess.class);

    private final StreamStore store;
    private final ReplicationEngine engine;
    private final TcpClient client;
    /** The Redis link instead of {@link #client}, when started on Redis. */
    private final RedisTransport redis;

    private WorkerProcess(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate, RedisURI redisUri) {
        Function<String, UpdateFunction> catchUp;
        Set<String> known = new LinkedHashSet<>(SynapseStreams.NAMES);
        if (config.catchUp() instanceof CatchUpSource.SharedFile file) {
            this.store = SqliteStreamStore.openExisting(file.dataDir());
            catchUp = store::updateFunction;
            store.positions().stream().map(StreamPosition::stream).forEach(known::add);
        } else {
            CatchUpSource.OverHttp remote = (CatchUpSource.OverHttp) config.catchUp();
            this.store = null;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            catchUp = name -> new HttpUpdateFunction(http, remote.base(), name, remote.secret(),
                    Duration.ofSeconds(30));
        }
        ReplicationEngine built = null;
        try {
            InboundStreams streams;
            if (config.follow().isEmpty()) {
                // follow everything; the link counts as established once the usual streams caught up
                streams = new InboundStreams(Set.of(), known, catchUp);
            } else {
                Set<String> follow = Set.copyOf(config.follow());
                streams = new InboundStreams(follow, follow, catchUp);
            }
            ReplicationEngine.Builder builder = ReplicationEngine.builder(config.name()).follow(streams, handler);
            config.from().ifPresent(builder::startFrom);
            built = builder.build();
            this.engine = built;
            if (redisUri == null) {
                this.redis = null;
                this.client = new TcpClient(config.connect().host(), config.connect().port(), config.name(),
                        config.serverName(), config.tcpSettings(), decorate.apply(new EngineLinks(engine))).start();
            } else {
                this.client = null;
                this.redis = RedisTransport.start(redisUri, RedisSettings.defaults(config.serverName()),
                        new EngineBus(engine));
            }
        } catch (RuntimeException e) {
            if (built != null) {
                built.close();
            }
            if (store != null) {
                store.close();
            }
            throw e;
        }
        log.info("worker '{}' following {} from {} (server '{}'), catching up from {}", config.name(),
                config.follow().isEmpty() ? "every stream" : config.follow(),
                redis == null ? config.connect() : "redis " + redis.address(), config.serverName(),
                config.catchUp());
    }

    /**
     * Opens the catch-up source (the main process's store, read-only, or nothing to open for HTTP)
     * and starts connecting.
     *
     * @throws org.myelin.store.StoreException if catching up from a data directory that holds no
     *     Myelin database
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), null);
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler)}, following the Redis channel named after
     * the server at {@code redisUri} instead of connecting over TCP ({@link WorkerConfig#connect()} is
     * not used).
     */
    public static WorkerProcess startOnRedis(WorkerConfig config, RedisURI redisUri, ReplicationDataHandler handler) {
        return new WorkerProcess(config, handler, UnaryOperator.identity(), java.util.Objects.requireNonNull(redisUri));
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler)}, with the link events passing through
     * {@code decorate} first (for fault tests that stall or observe the link).
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate) {
        return new WorkerProcess(config, handler, decorate, null);
    }

    /** The engine (tokens, counters). */
    public ReplicationEngine engine() {
        return engine;
    }

    /** The Redis link, when started on Redis. */
    public java.util.Optional<RedisTransport> redis() {
        return java.util.Optional.ofNullable(redis);
    }

    /** The TCP client (link, reconnect delays); {@code null} when started on Redis. */
    public TcpClient client() {
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (redis != null) {
            redis.close();
        }
        engine.close();
        if (store != null) {
            store.close();
        }
    }

    /**
     * What {@code myelin worker} is given.
     *
     * @param name the worker's instance name (also its NAME on the link)
     * @param connect the main process's replication address
     * @param serverName the server name the main process must announce
     * @param catchUp where missed rows are fetched
     * @param from where streams start when given; else at the first position announced
     * @param follow the streams to follow; empty for all
     * @param tcpSettings link timings and limits
     */
    public record WorkerConfig(String name, HostPort connect, String serverName, CatchUpSource catchUp,
            OptionalLong from, List<String> follow, TcpSettings tcpSettings) {
        /** Catching up from the main process's data directory on this machine. */
        public WorkerConfig(String name, HostPort connect, String serverName, Path data, OptionalLong from,
                List<String> follow, TcpSettings tcpSettings) {
            this(name, connect, serverName, new CatchUpSource.SharedFile(data), from, follow, tcpSettings);
        }
    }
}
