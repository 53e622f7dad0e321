package org.myelin.node;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.http.server.HttpServer;
import org.myelin.protocol.RawJson;
import java.nio.file.Path;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.store.TransactionWork;
import org.myelin.store.writer.StreamWriter;
import org.myelin.redis.EngineBus;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;
import org.myelin.tcp.EngineLinks;
import org.myelin.tcp.TcpClient;
import org.myelin.tcp.TcpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Myelin node built by {@link Myelin}: a writer, a worker, or both. Thread-safe.
 *
 * <p>{@link #established()} completes once the node takes live rows (a worker: its link caught up
 * every followed stream; a writer: it listens). {@link #close()} stops everything it started, in
 * order, once; {@link #closed()} completes then.
 */
public final class MyelinNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MyelinNode.class);
    /** The stream of cache invalidations. */
    private static final String CACHES = CacheInvalidations.STREAM;

    private final String name;
    private final CacheInvalidations caches;
    private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
    private final CompletableFuture<Void> established = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private StreamWriter writer;
    private ReplicationEngine writerEngine;
    private ReplicationEngine workerEngine;
    private TcpServer server;
    private TcpClient client;
    private RedisTransport redis;
    private HttpServer http;

    private MyelinNode(String name, CacheInvalidations caches) {
        this.name = name;
        this.caches = caches;
    }

    static MyelinNode start(NodeBuilder b, boolean isWriter, boolean worker) {
        MyelinNode node = new MyelinNode(b.name, b.caches);
        try {
            StreamStore store = b.writeStore;
            if (b.writeDir != null) {
                store = SqliteStreamStore.open(b.writeDir);
                node.resources.add(store);
            }
            for (Map.Entry<String, Path> dir : b.catchUpDirs.entrySet()) {
                SqliteStreamStore file = SqliteStreamStore.openExisting(dir.getValue());
                node.resources.add(file);
                b.catchUp.set(dir.getKey(), file::updateFunction);
            }
            if (isWriter) {
                node.startWriter(b, store);
            }
            if (worker) {
                node.startWorker(b);
            } else {
                node.established.complete(null);
            }
        } catch (RuntimeException | Error e) {
            node.close();
            throw e;
        }
        log.info("node '{}' started:{}{}{}", b.name,
                node.server == null ? "" : " writer listening on TCP port " + node.server.port(),
                node.redis == null ? "" : " on Redis at " + node.redis.address() + " (channel "
                        + node.redis.settings().channel() + ")",
                node.client == null ? "" : " worker of " + b.connectHost + ":" + b.connectPort);
        return node;
    }

    private void startWriter(NodeBuilder b, StreamStore store) {
        Set<String> streams = new LinkedHashSet<>(b.writtenStreams);
        for (StreamPosition p : store.positions()) {
            if (p.instance().equals(b.name)) {
                streams.add(p.stream());
            }
        }
        writer = new StreamWriter(store, b.name, streams);
        ReplicationEngine.Builder builder = ReplicationEngine.builder(b.name)
                .maxLineBytes(b.tcpSettings.maxLineBytes());
        writer.addTo(builder);
        b.engineOptions.forEach(o -> o.accept(builder));
        writerEngine = builder.build();
        resources.add(writerEngine);
        writer.attach(writerEngine);
        // several writers per stream (PostgreSQL): an idle one must not hold the safe position back
        resources.add(writer.advanceIdleEvery(StreamWriter.IDLE_POSITION_INTERVAL));
        if (b.listenPort >= 0) {
            server = TcpServer.start(b.listenHost, b.listenPort, b.serverName, b.tcpSettings,
                    new EngineLinks(writerEngine));
            resources.add(server);
        }
        if (b.redisUri != null) {
            redis = RedisTransport.start(b.redisUri, redisSettings(b),
                    new EngineBus(writerEngine));
            resources.add(redis);
        }
        if (b.httpPort >= 0) {
            HttpServer.Builder routes = HttpServer.builder().name(b.name)
                    .post(AppendRowsEndpoint.ROUTE, new AppendRowsEndpoint(this::append));
            if (b.replicationSecret != null) {
                routes.get(StreamUpdatesHandler.ROUTE,
                        new StreamUpdatesHandler(writer::updates, b.name, b.replicationSecret));
            }
            try {
                http = routes.bind(b.httpHost, b.httpPort);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot listen for HTTP on " + b.httpHost + ":" + b.httpPort, e);
            }
            resources.add(http);
        }
    }

    private void startWorker(NodeBuilder b) {
        Set<String> followed = new LinkedHashSet<>(b.followed);
        ReplicationDataHandler handler = b.handler;
        if (b.caches != null) {
            if (!followed.isEmpty()) {
                followed.add(CACHES);
            }
            handler = b.caches.wrap(handler);
        }
        InboundStreams inbound = new InboundStreams(followed, followed, b.catchUp::forStream);
        ReplicationEngine.Builder builder = ReplicationEngine.builder(b.name)
                .follow(inbound, handler)
                .startFrom(b.resume)
                .maxLineBytes(b.tcpSettings.maxLineBytes());
        b.engineOptions.forEach(o -> o.accept(builder));
        workerEngine = builder.build();
        resources.add(workerEngine);
        java.util.concurrent.CompletionStage<Void> linkEstablished;
        if (b.connectHost != null) {
            client = new TcpClient(b.connectHost, b.connectPort, b.name, b.expectedServer, b.tcpSettings,
                    new EngineLinks(workerEngine));
            resources.add(client);
            linkEstablished = client.established();
        } else {
            redis = RedisTransport.start(b.redisUri, redisSettings(b),
                    new EngineBus(workerEngine));
            resources.add(redis);
            linkEstablished = redis.established();
        }
        linkEstablished.whenComplete((v, e) -> {
            if (e != null) {
                established.completeExceptionally(e);
            } else {
                established.complete(null);
            }
        });
        if (client != null) {
            client.start();
        }
    }

    private static RedisSettings redisSettings(NodeBuilder b) {
        return b.redisSettings != null ? b.redisSettings : RedisSettings.defaults(b.serverName);
    }

    /** The node's name (a writer's instance name). */
    public String name() {
        return name;
    }

    /**
     * Completes once the node takes live rows: a worker when its link (TCP or Redis) first caught
     * up every followed stream, a writer (only) once it listens. Fails if the node closes first.
     */
    public CompletableFuture<Void> established() {
        return established;
    }

    /** Completes once {@link #close()} finished. */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /**
     * Appends rows, each with its own token, and streams them; see {@link StreamWriter#append}.
     *
     * @throws IllegalStateException if this node is not a writer
     */
    public List<Long> append(String stream, List<RawJson> rows) {
        return append(stream, rows, false);
    }

    /**
     * Appends rows, each with its own token or all sharing one, and streams them. Returns the
     * tokens once the rows are durable and handed to the streamer. {@code caches} rows are applied
     * to this node's own caches after the commit.
     *
     * @throws IllegalArgumentException for a bad stream name or a row that is not JSON
     * @throws IllegalStateException if this node is not a writer or is closed
     */
    public List<Long> append(String stream, List<RawJson> rows, boolean sameToken) {
        List<Long> tokens = writer().append(stream, rows, sameToken);
        applyLocally(stream, rows);
        return tokens;
    }

    /**
     * Runs {@code work} on the store's connection and appends the rows it returns in the same
     * transaction, then streams them (see {@link StreamWriter#appendInTransaction}): a data change
     * and the {@code caches} rows invalidating it reach readers together. The rows of a
     * {@code caches} append are applied to this node's own caches after the commit.
     */
    public List<Long> appendInTransaction(String stream, boolean sameToken, TransactionWork work) {
        List<RawJson> appended = new ArrayList<>();
        List<Long> tokens = writer().appendInTransaction(stream, sameToken, connection -> {
            List<RawJson> rows = work.run(connection);
            appended.clear(); // a retried transaction keeps only its last rows
            appended.addAll(rows);
            return rows;
        });
        applyLocally(stream, appended);
        return tokens;
    }

    private void applyLocally(String stream, List<RawJson> rows) {
        if (caches != null && CACHES.equals(stream)) {
            rows.forEach(caches::apply);
        }
    }

    /**
     * The writer underneath (its positions, update functions).
     *
     * @throws IllegalStateException if this node is not a writer
     */
    public StreamWriter writer() {
        if (writer == null) {
            throw new IllegalStateException("node '" + name + "' is not a writer (build it with writeTo(...))");
        }
        return writer;
    }

    /** The caches this node keeps coherent, if given. */
    public Optional<CacheInvalidations> caches() {
        return Optional.ofNullable(caches);
    }

    /**
     * The TCP port a writer listens on (the real one when asked for port 0).
     *
     * @throws IllegalStateException if this node does not listen
     */
    public int tcpPort() {
        if (server == null) {
            throw new IllegalStateException("node '" + name + "' does not listen for TCP");
        }
        return server.port();
    }

    /**
     * The HTTP port a writer listens on.
     *
     * @throws IllegalStateException if this node serves no HTTP
     */
    public int httpPort() {
        if (http == null) {
            throw new IllegalStateException("node '" + name + "' serves no HTTP (listenHttp)");
        }
        return http.port();
    }

    /** The token of every (stream, writer instance) this worker handled, empty for a writer only. */
    public Map<String, Map<String, Long>> receivedTokens() {
        return workerEngine == null ? Map.of() : workerEngine.receivedTokens();
    }

    /** The engine of the writer side, if any (for its counters and the engine's other features). */
    public Optional<ReplicationEngine> writerEngine() {
        return Optional.ofNullable(writerEngine);
    }

    /** The engine of the worker side, if any. */
    public Optional<ReplicationEngine> workerEngine() {
        return Optional.ofNullable(workerEngine);
    }

    /** The TCP server of a writer, if any (its links and metrics). */
    public Optional<TcpServer> tcpServer() {
        return Optional.ofNullable(server);
    }

    /** The TCP client of a worker, if any (its reconnect state and metrics). */
    public Optional<TcpClient> tcpClient() {
        return Optional.ofNullable(client);
    }

    /** The Redis transport, if this node replicates over Redis (its state and metrics). */
    public Optional<RedisTransport> redis() {
        return Optional.ofNullable(redis);
    }

    /** The update function of a stream this writer writes (to read back what it wrote). */
    public Optional<UpdateFunction> updates(String stream) {
        return writer == null ? Optional.empty() : writer.updates(stream);
    }

    /**
     * Stops the node: the worker's link and engine first (no row reaches the handler afterwards),
     * then the writer's listeners and engine, then the stores it opened. Idempotent; waits
     * (bounded) for running work.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            closed.join();
            return;
        }
        try {
            // the worker before the writer: its resources were added last
            for (int i = resources.size() - 1; i >= 0; i--) {
                AutoCloseable r = resources.get(i);
                try {
                    r.close();
                } catch (Exception e) {
                    log.warn("node '{}': error while closing {}: {}", name, r.getClass().getSimpleName(), e.toString());
                }
            }
            established.completeExceptionally(new IllegalStateException("node '" + name + "' closed"));
            log.info("node '{}' closed", name);
        } finally {
            closed.complete(null);
        }
    }
}
