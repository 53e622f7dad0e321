package org.myelin.node;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.rows.TypedRowHandler;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.http.catchup.HttpUpdateFunction;
import io.lettuce.core.RedisURI;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;
import org.myelin.store.StreamStore;
import org.myelin.tcp.TcpSettings;

/**
 * Configures a {@link MyelinNode}: a writer ({@link #writeTo}), a worker ({@link #onRows}) or both,
 * with their transports. Obtained from {@link Myelin#worker} or {@link Myelin#writer}; every method
 * returns this builder, and {@link #start()} builds and connects. Not thread-safe; use one builder
 * once.
 */
public final class NodeBuilder {
    final String name;
    // transports
    String connectHost;
    int connectPort;
    String listenHost;
    int listenPort = -1;
    String serverName = "localhost";
    String expectedServer;
    TcpSettings tcpSettings = TcpSettings.defaults();
    RedisURI redisUri;
    RedisSettings redisSettings;
    String httpHost;
    int httpPort = -1;
    String replicationSecret;
    // writer
    StreamStore writeStore;
    /** A store to open at {@link #start()} (so that a refused configuration leaks no file). */
    Path writeDir;
    final Set<String> writtenStreams = new LinkedHashSet<>(SynapseStreams.NAMES);
    // worker
    final CatchUp catchUp = new CatchUp();
    /** SQLite files to open read-only at {@link #start()}, by writer instance ({@code null}: every other). */
    final Map<String, Path> catchUpDirs = new HashMap<>();
    final Set<String> followed = new LinkedHashSet<>();
    ResumePositions resume = ResumePositions.atAnnounced();
    ReplicationDataHandler handler;
    // both
    CacheInvalidations caches;
    final List<Consumer<ReplicationEngine.Builder>> engineOptions = new ArrayList<>();

    NodeBuilder(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node needs a name");
        }
        this.name = name;
    }

    // ---- transports ----

    /** Connects to a writer's TCP replication port (a Myelin main or a Synapse main), reconnecting forever. */
    public NodeBuilder tcp(String host, int port) {
        this.connectHost = Objects.requireNonNull(host, "host");
        this.connectPort = checkPort(port);
        return this;
    }

    /** Accepts workers on a TCP replication port ({@code 0}: any free one, see {@link MyelinNode#tcpPort()}). */
    public NodeBuilder listenTcp(String host, int port) {
        this.listenHost = Objects.requireNonNull(host, "host");
        this.listenPort = checkPort(port);
        return this;
    }

    /**
     * The server name: what a listening writer sends in {@code SERVER} (default {@code localhost}),
     * and what a connecting worker insists on (by default it accepts any).
     */
    public NodeBuilder serverName(String serverName) {
        this.serverName = Objects.requireNonNull(serverName, "serverName");
        this.expectedServer = serverName;
        return this;
    }

    /**
     * Replicates over Redis pub/sub at {@code uri} ({@code redis://host:port}), as Synapse does with
     * {@code redis.enabled}: a worker subscribes instead of connecting with {@link #tcp}; a writer
     * publishes on the channel named after the {@link #serverName server name} (besides listening
     * with {@link #listenTcp}, if asked).
     *
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     */
    public NodeBuilder redis(String uri) {
        return redis(RedisTransport.parseUri(Objects.requireNonNull(uri, "uri")));
    }

    /** Replicates over Redis pub/sub at {@code uri}; see {@link #redis(String)}. */
    public NodeBuilder redis(RedisURI uri) {
        this.redisUri = Objects.requireNonNull(uri, "uri");
        return this;
    }

    /** Redis timings, bounds and channels (default {@link RedisSettings#defaults} of the server name). */
    public NodeBuilder redisSettings(RedisSettings settings) {
        this.redisSettings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /** Link timings and limits (default {@link TcpSettings#defaults()}). */
    public NodeBuilder tcpSettings(TcpSettings settings) {
        this.tcpSettings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Serves a writer's HTTP API on {@code host:port} ({@code 0}: any free one): appends at
     * {@code POST /_myelin/v1/streams/{stream}} and, with a non-null {@code replicationSecret},
     * Synapse's catch-up endpoint for workers that catch up over HTTP.
     */
    public NodeBuilder listenHttp(String host, int port, String replicationSecret) {
        this.httpHost = Objects.requireNonNull(host, "host");
        this.httpPort = checkPort(port);
        this.replicationSecret = replicationSecret;
        return this;
    }

    // ---- writer ----

    /** Makes this node a writer appending to {@code store} (the caller keeps and closes it). */
    public NodeBuilder writeTo(StreamStore store) {
        this.writeStore = Objects.requireNonNull(store, "store");
        this.writeDir = null;
        return this;
    }

    /** Makes this node a writer appending to the SQLite store in {@code dataDir} (created if missing; closed with the node). */
    public NodeBuilder writeTo(Path dataDir) {
        this.writeDir = Objects.requireNonNull(dataDir, "dataDir");
        this.writeStore = null;
        return this;
    }

    /**
     * Streams announced from the start besides those the store already holds (default: Synapse's
     * catalogue). Others are announced when first written.
     */
    public NodeBuilder announce(Collection<String> streams) {
        writtenStreams.clear();
        writtenStreams.addAll(streams);
        return this;
    }

    // ---- worker ----

    /** Catches up on every writer's rows by reading {@code store} (the caller keeps and closes it). */
    public NodeBuilder catchUpFrom(StreamStore store) {
        Objects.requireNonNull(store, "store");
        catchUp.set(null, store::updateFunction);
        catchUpDirs.remove(null);
        return this;
    }

    /** Catches up by reading the writer's SQLite file in {@code dataDir}, read-only (closed with the node). */
    public NodeBuilder catchUpFrom(Path dataDir) {
        catchUpDirs.put(null, Objects.requireNonNull(dataDir, "dataDir"));
        return this;
    }

    /** Catches up on writer {@code instance}'s rows by reading its SQLite file in {@code dataDir}, read-only. */
    public NodeBuilder catchUpFrom(String instance, Path dataDir) {
        catchUpDirs.put(Objects.requireNonNull(instance, "instance"), Objects.requireNonNull(dataDir, "dataDir"));
        return this;
    }

    /** Catches up on writer {@code instance}'s rows by reading {@code store}. */
    public NodeBuilder catchUpFrom(String instance, StreamStore store) {
        Objects.requireNonNull(store, "store");
        catchUp.set(Objects.requireNonNull(instance, "instance"), store::updateFunction);
        catchUpDirs.remove(instance);
        return this;
    }

    /**
     * Catches up over HTTP from a writer's listener ({@code get_repl_stream_updates} of a Myelin or
     * Synapse main, such as {@code http://127.0.0.1:9093}), for every writer instance.
     */
    public NodeBuilder catchUpOverHttp(URI base, String replicationSecret) {
        catchUp.set(null, httpSource(base, replicationSecret));
        catchUpDirs.remove(null);
        return this;
    }

    /** Catches up on writer {@code instance}'s rows over HTTP from its listener. */
    public NodeBuilder catchUpOverHttp(String instance, URI base, String replicationSecret) {
        catchUp.set(Objects.requireNonNull(instance, "instance"), httpSource(base, replicationSecret));
        catchUpDirs.remove(instance);
        return this;
    }

    private java.util.function.Function<String, org.myelin.core.stream.UpdateFunction> httpSource(URI base,
            String secret) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(secret, "replicationSecret");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, HttpUpdateFunction> functions = new HashMap<>();
        return stream -> {
            synchronized (functions) {
                return functions.computeIfAbsent(stream,
                        s -> new HttpUpdateFunction(client, base, s, secret, Duration.ofSeconds(30)));
            }
        };
    }

    /** Follows these streams only (repeatable); without it, every stream the writer announces. */
    public NodeBuilder follow(String... streams) {
        followed.addAll(List.of(streams));
        return this;
    }

    /**
     * Where each (stream, writer instance) resumes: rows after its token are fetched first. Without
     * it a stream starts at the writer's current position, as a Synapse worker does.
     */
    public NodeBuilder resumeFrom(ResumePositions positions) {
        this.resume = Objects.requireNonNull(positions, "positions");
        return this;
    }

    /** Every followed stream starts after {@code token} ({@code 0}: from the beginning). */
    public NodeBuilder resumeFrom(long token) {
        this.resume = ResumePositions.everyStreamFrom(token);
        return this;
    }

    /** Hands rows, as raw JSON, to {@code handler} (one token group at a time, in order per stream). */
    public NodeBuilder onRows(ReplicationDataHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /** Hands rows decoded as Synapse's row types ({@code org.myelin.core.rows}) to {@code handler}. */
    public NodeBuilder onTypedRows(TypedRowHandler handler) {
        return onRows(Objects.requireNonNull(handler, "handler").asDataHandler());
    }

    // ---- both ----

    /**
     * Keeps these caches coherent: a worker applies {@code caches} rows before its handler sees
     * them (and follows {@code caches} even if {@link #follow} names other streams only); a writer
     * applies the {@code caches} rows it appends to them after the commit, as Synapse's writer does.
     */
    public NodeBuilder caches(CacheInvalidations caches) {
        this.caches = Objects.requireNonNull(caches, "caches");
        return this;
    }

    /** Anything else of the engines' builders (thread bounds, fetch limit, command listener, ...). */
    public NodeBuilder engine(Consumer<ReplicationEngine.Builder> option) {
        engineOptions.add(Objects.requireNonNull(option, "option"));
        return this;
    }

    /**
     * Builds the node, binds its listeners and starts connecting.
     *
     * @throws IllegalStateException if the node is neither a writer nor a worker, a worker has no
     *     transport or no catch-up source, or a writer has no way for workers to reach it
     * @throws java.io.UncheckedIOException if a port cannot be bound
     */
    public MyelinNode start() {
        boolean writer = writeStore != null || writeDir != null;
        boolean worker = handler != null || !followed.isEmpty() || (caches != null && !writer);
        if (worker && handler == null) {
            handler = (stream, instance, token, rows) -> {};
        }
        if (!writer && !worker) {
            throw new IllegalStateException("node '" + name
                    + "' is neither a writer (writeTo) nor a worker (onRows, follow or caches)");
        }
        if (worker && connectHost == null && redisUri == null) {
            throw new IllegalStateException("worker '" + name
                    + "' has no transport: call tcp(host, port) or redis(uri)");
        }
        if (worker && !writer && connectHost != null && redisUri != null) {
            throw new IllegalStateException("worker '" + name + "' has two transports: call tcp(...) or redis(...)");
        }
        if (worker && catchUp.isEmpty() && catchUpDirs.isEmpty()) {
            throw new IllegalStateException("worker '" + name
                    + "' has no way to catch up: call catchUpFrom(store) or catchUpOverHttp(url, secret)");
        }
        if (writer && listenPort < 0 && redisUri == null) {
            throw new IllegalStateException("writer '" + name
                    + "' has no transport: call listenTcp(host, port) or redis(uri)");
        }
        if (writer && worker && redisUri != null && connectHost == null) {
            throw new IllegalStateException("node '" + name + "' writes and follows: Redis carries one of them,"
                    + " give the worker side tcp(host, port)");
        }
        if (!worker && connectHost != null) {
            throw new IllegalStateException("node '" + name
                    + "' connects with tcp(host, port) but follows nothing: add onRows(handler)");
        }
        return MyelinNode.start(this, writer, worker);
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return port;
    }
}
