package org.myelin.server.worker;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.catchup.HttpUpdateFunction;
import org.myelin.server.cli.HostPort;
import org.myelin.tcp.EngineLinks;
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
    private final AtomicBoolean closed = new AtomicBoolean();

    private WorkerProcess(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate) {
        Function<String, UpdateFunction> catchUp;
        if (config.catchUp() instanceof CatchUpSource.SharedFile file) {
            this.store = SqliteStreamStore.openExisting(file.dataDir());
            catchUp = store::updateFunction;
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
                // follow everything the writer announces; the link counts as established once those
                // caught up (a Synapse main has no federation stream, for one)
                streams = new InboundStreams(Set.of(), Set.of(), catchUp);
            } else {
                Set<String> follow = Set.copyOf(config.follow());
                streams = new InboundStreams(follow, follow, catchUp);
            }
            ReplicationEngine.Builder builder = ReplicationEngine.builder(config.name()).follow(streams, handler);
            builder.startFrom(config.resume());
            built = builder.build();
            this.engine = built;
            this.client = new TcpClient(config.connect().host(), config.connect().port(), config.name(),
                    config.serverName(), config.tcpSettings(), decorate.apply(new EngineLinks(engine))).start();
        } catch (RuntimeException e) {
            if (built != null) {
                built.close();
            }
            if (store != null) {
                store.close();
            }
            throw e;
        }
        log.info("worker '{}' following {} from {} (server '{}'), catching up from {}, resuming {}",
                config.name(), config.follow().isEmpty() ? "every stream" : config.follow(), config.connect(),
                config.serverName(), config.catchUp(), describe(config.resume()));
    }

    /**
     * Opens the catch-up source (the main process's store, read-only, or nothing to open for HTTP)
     * and starts connecting.
     *
     * @throws org.myelin.store.StoreException if catching up from a data directory that holds no
     *     Myelin database
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler) {
        return new WorkerProcess(config, handler, UnaryOperator.identity());
    }

    /**
     * As {@link #start(WorkerConfig, ReplicationDataHandler)}, with the link events passing through
     * {@code decorate} first (for fault tests that stall or observe the link).
     */
    public static WorkerProcess start(WorkerConfig config, ReplicationDataHandler handler,
            UnaryOperator<LinkListener> decorate) {
        return new WorkerProcess(config, handler, decorate);
    }

    /** The engine (tokens, counters). */
    public ReplicationEngine engine() {
        return engine;
    }

    /** The TCP client (link, reconnect delays). */
    public TcpClient client() {
        return client;
    }

    private static String describe(ResumePositions resume) {
        String others = resume.otherwise().isPresent() ? "after token " + resume.otherwise().getAsLong()
                : "at the position announced";
        return resume.tokens().isEmpty() ? "every stream " + others : resume.tokens() + ", other streams " + others;
    }

    /**
     * Stops: the engine first, so a catch-up in progress stops at once and no row reaches the
     * handler after this returns; then the link and the store. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        engine.close();
        client.close();
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
     * @param resume where each (stream, writer instance) resumes
     * @param follow the streams to follow; empty for all
     * @param tcpSettings link timings and limits
     */
    public record WorkerConfig(String name, HostPort connect, String serverName, CatchUpSource catchUp,
            ResumePositions resume, List<String> follow, TcpSettings tcpSettings) {
        /** Every stream starting after {@code from} when given, else at the first position announced. */
        public WorkerConfig(String name, HostPort connect, String serverName, CatchUpSource catchUp,
                OptionalLong from, List<String> follow, TcpSettings tcpSettings) {
            this(name, connect, serverName, catchUp, ResumePositions.atAnnounced().withOtherwise(from), follow,
                    tcpSettings);
        }

        /** Catching up from the main process's data directory on this machine. */
        public WorkerConfig(String name, HostPort connect, String serverName, Path data, OptionalLong from,
                List<String> follow, TcpSettings tcpSettings) {
            this(name, connect, serverName, new CatchUpSource.SharedFile(data), from, follow, tcpSettings);
        }
    }
}
