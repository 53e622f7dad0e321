package org.myelin.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.inbound.ReplicationReceiver;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.link.ConnectionListener;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.outbound.ReplicationStreamer;
import org.myelin.core.task.BackgroundTasks;
import org.myelin.core.task.TaskStats;
import org.myelin.protocol.Command;
import org.myelin.protocol.Framing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replication process, writer or worker or both, independent of the transport.
 *
 * <p>A transport reports links with {@link #connected}, {@link #received}, {@link #catchUpNeeded} and
 * {@link #disconnected}; a writer calls {@link #poke()} after each commit. The engine answers
 * {@code REPLICATE} with a POSITION per stream it writes, streams new rows to every link, feeds
 * RDATA/POSITION to the per-stream queues of the receiver, and hands every other handler-level
 * command to the {@link CommandListener} as a named background task, in arrival order per link.
 *
 * <p>Threads are bounded: the stream queues run on one pool (their tasks may block on catch-up
 * I/O), the links' command queues on another, so neither can starve the other.
 *
 * <pre>{@code
 * ReplicationEngine worker = ReplicationEngine.builder("worker1")
 *         .follow(InboundStreams.of(Map.of("events", store.updateFunction("events"))), handler)
 *         .build();
 * }</pre>
 */
public final class ReplicationEngine implements AutoCloseable {
    /** Rows asked for per catch-up read unless configured: one read per 10,000 rows missed. */
    public static final int DEFAULT_CATCH_UP_PAGE_ROWS = 10_000;

    private static final Logger log = LoggerFactory.getLogger(ReplicationEngine.class);

    private final String instanceName;
    private final BackgroundTasks tasks;
    private final BackgroundTasks commandTasks;
    private final ReplicationStreamer streamer;
    private final ReplicationReceiver receiver;
    private final List<ConnectionListener> connectionListeners;
    private final LinkCommandQueues commands;

    private ReplicationEngine(Builder b) {
        this.instanceName = b.instanceName;
        this.tasks = new BackgroundTasks("replication-" + b.instanceName, b.shutdownWait, b.streamThreads);
        this.commandTasks = new BackgroundTasks("replication-" + b.instanceName + "-commands", b.shutdownWait,
                b.commandThreads);
        this.streamer = b.outbound.isEmpty() ? null
                : new ReplicationStreamer(b.instanceName, b.outbound, b.fetchLimit, b.maxLineBytes, b.retryDelay);
        this.receiver = b.inbound == null ? null
                : new ReplicationReceiver(b.instanceName, b.inbound, b.handler, tasks, b.resume, b.catchUpPageRows,
                        b.maxQueuedPerLink, b.announceGrace);
        this.connectionListeners = List.copyOf(b.connectionListeners);
        this.commands = b.listener == null ? null
                : new LinkCommandQueues(b.listener, commandTasks, b.maxQueuedPerLink);
    }

    /** Starts building a process named {@code instanceName} ({@code master} for Synapse's main process). */
    public static Builder builder(String instanceName) {
        return new Builder(instanceName);
    }

    /** This process's instance name. */
    public String instanceName() {
        return instanceName;
    }

    /** A link is up: it will get every update from now on (no replay of older rows). */
    public void connected(ReplicationConnection connection) {
        if (receiver != null) {
            receiver.connected(connection);
        }
        if (streamer != null) {
            streamer.addConnection(connection);
        }
        connectionListeners.forEach(l -> l.connected(connection));
    }

    /** A link is gone. */
    public void disconnected(ReplicationConnection connection) {
        if (receiver != null) {
            receiver.disconnected(connection);
        }
        if (streamer != null) {
            streamer.removeConnection(connection);
        }
        if (commands != null) {
            commands.remove(connection);
        }
        connectionListeners.forEach(l -> l.disconnected(connection));
    }

    /**
     * A handler-level command arrived. Returns at once: the work runs in the background. Protocol-level
     * commands ({@code PING}, {@code NAME}, {@code SERVER}, {@code ERROR}) are the transport's.
     */
    public void received(ReplicationConnection connection, Command command) {
        switch (command.type()) {
            case REPLICATE -> {
                if (streamer != null) {
                    streamer.sendPositions(connection, null);
                }
            }
            case RDATA, POSITION -> {
                if (receiver != null) {
                    receiver.receive(connection, command);
                }
            }
            case PING, NAME, SERVER, ERROR -> log.debug("{} from {} is the transport's to handle",
                    command.name(), connection.describe());
            default -> {
                if (commands != null) {
                    commands.add(connection, command);
                }
            }
        }
    }

    /**
     * The transport of a link whose {@link ReplicationConnection#reportsReadBatches()} is true
     * finished handing over the commands of one read: the handlers of the streams they went to are
     * woken now, once for the read. Call it on the thread that called {@link #received}.
     */
    public void readComplete(ReplicationConnection connection) {
        if (receiver != null) {
            receiver.readComplete(connection);
        }
    }

    /**
     * A link dropped RDATA because it could not keep up and can take commands again: it gets a
     * POSITION for each of those streams, so its reader fetches the gap out of band.
     */
    public void catchUpNeeded(ReplicationConnection connection, Collection<String> streams) {
        if (streamer != null) {
            streamer.sendPositions(connection, streams);
        }
    }

    /** Some stream this process writes moved: stream the new rows. Cheap; call after every commit. */
    public void poke() {
        if (streamer != null) {
            streamer.poke();
        }
    }

    /**
     * Starts writing another stream (for example one a client wrote to for the first time); rows
     * after {@code fromToken} are streamed.
     *
     * @throws IllegalStateException if this engine was built without written streams
     */
    public void addWrittenStream(OutboundStream stream, long fromToken) {
        if (streamer == null) {
            throw new IllegalStateException("this engine writes no streams");
        }
        streamer.addStream(stream, fromToken);
    }


    /** The current token of every (stream, instance) this process follows. */
    public Map<String, Map<String, Long>> receivedTokens() {
        return receiver == null ? Map.of() : receiver.tokens();
    }

    /**
     * Each followed stream's safe position: the least token over its writers. Every row of those
     * writers at or below it has been handed on, so with several writers per stream (tokens from
     * one shared sequence) nothing at or below it can still arrive from them. A writer counts once
     * heard of, or before that at its token in the resume positions if listed there; an idle writer
     * moves its position along with the others' (a PostgreSQL writer does so every second), so it
     * holds the safe position back only that long.
     */
    public Map<String, Long> safePositions() {
        return receiver == null ? Map.of() : receiver.safePositions();
    }

    /** The streamer, when this process writes streams (for its counters). */
    public ReplicationStreamer streamer() {
        return streamer;
    }

    /** The receiver, when this process follows streams (for its counters). */
    public ReplicationReceiver receiver() {
        return receiver;
    }

    /** Counters of the background tasks by name. */
    public Map<String, TaskStats> taskStats() {
        Map<String, TaskStats> all = new java.util.TreeMap<>(tasks.stats());
        all.putAll(commandTasks.stats());
        return all;
    }

    /**
     * CPU time of the background tasks by name, each pool's split into user and system time by that
     * pool's threads' ratio (see {@link org.myelin.core.task.CpuTime}); reads thread clocks, once per scrape.
     */
    public Map<String, org.myelin.core.task.CpuTime> taskCpuTimes() {
        Map<String, org.myelin.core.task.CpuTime> all = new java.util.TreeMap<>(tasks.cpuTimes());
        all.putAll(commandTasks.cpuTimes());
        return all;
    }

    /** Threads alive now running background work (stream queues and command queues). */
    public int backgroundThreads() {
        return tasks.threads() + commandTasks.threads();
    }

    /** Times reading from a link was paused because its non-stream commands piled up. */
    public long commandPauses() {
        return commands == null ? 0 : commands.pauses();
    }

    /**
     * Stops streaming and receiving, and waits (bounded) for running tasks. Catch-ups stop at their
     * next page or token group; once this returns, no more rows reach the handler.
     */
    @Override
    public void close() {
        if (receiver != null) {
            receiver.close();
        }
        if (streamer != null) {
            streamer.close();
        }
        tasks.close();
        commandTasks.close();
    }

    /** Rows per update-function call, unless {@link Builder#fetchLimit} says otherwise. */
    public static final int DEFAULT_FETCH_LIMIT = 100;
    /** Commands queued per link before reading pauses, unless {@link Builder#maxQueuedPerLink} says otherwise. */
    public static final int DEFAULT_MAX_QUEUED_PER_LINK = 10_000;
    /** The default of {@link Builder#announceGrace}. */
    public static final Duration DEFAULT_ANNOUNCE_GRACE = Duration.ofMillis(500);
    /** The default of {@link Builder#retryDelay}. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);
    /** The default of {@link Builder#shutdownWait}. */
    public static final Duration DEFAULT_SHUTDOWN_WAIT = Duration.ofSeconds(10);
    /** The default bound of the threads handling non-stream commands ({@link Builder#threads}). */
    public static final int DEFAULT_COMMAND_THREADS = 4;

    /** Configures a {@link ReplicationEngine}. */
    public static final class Builder {
        private final String instanceName;
        private final List<OutboundStream> outbound = new ArrayList<>();
        private InboundStreams inbound;
        private ReplicationDataHandler handler;
        private ResumePositions resume = ResumePositions.atAnnounced();
        private Duration announceGrace = DEFAULT_ANNOUNCE_GRACE;
        private CommandListener listener;
        private final List<ConnectionListener> connectionListeners = new ArrayList<>();
        private int fetchLimit = DEFAULT_FETCH_LIMIT;
        private int catchUpPageRows = DEFAULT_CATCH_UP_PAGE_ROWS;
        private int maxQueuedPerLink = DEFAULT_MAX_QUEUED_PER_LINK;
        private int maxLineBytes = Framing.DEFAULT_MAX_LINE_BYTES;
        private Duration retryDelay = DEFAULT_RETRY_DELAY;
        private Duration shutdownWait = DEFAULT_SHUTDOWN_WAIT;
        private int streamThreads = BackgroundTasks.DEFAULT_MAX_THREADS;
        private int commandThreads = DEFAULT_COMMAND_THREADS;

        private Builder(String instanceName) {
            this.instanceName = Objects.requireNonNull(instanceName, "instanceName");
        }

        /** Adds a stream this process writes. */
        public Builder write(OutboundStream stream) {
            outbound.add(stream);
            return this;
        }

        /** Follows streams as a worker, handing their rows to {@code handler}. */
        public Builder follow(InboundStreams streams, ReplicationDataHandler handler) {
            this.inbound = Objects.requireNonNull(streams, "streams");
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Where every followed stream starts: rows after {@code token} are fetched on the first
         * POSITION. Tokens of different streams are unrelated, so this is exact only for 0 or a
         * single stream; use {@link #startFrom(ResumePositions)} to resume several. Without either,
         * a stream starts at the first position announced.
         */
        public Builder startFrom(long token) {
            this.resume = ResumePositions.everyStreamFrom(token);
            return this;
        }

        /**
         * Where each (stream, writer instance) resumes: rows after its token are fetched on the first
         * POSITION; pairs not listed start as {@link ResumePositions#otherwise()} says.
         */
        public Builder startFrom(ResumePositions positions) {
            this.resume = Objects.requireNonNull(positions, "positions");
            return this;
        }

        /**
         * How long a link must be quiet of POSITIONs of new streams before the writer's answer to
         * REPLICATE counts as complete, when not every expected stream was announced (default 500 ms;
         * an RDATA after the POSITIONs ends it sooner).
         */
        public Builder announceGrace(Duration grace) {
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("announce grace must be positive");
            }
            this.announceGrace = grace;
            return this;
        }

        /** Receives USER_SYNC, USER_IP, REMOTE_SERVER_UP and the other non-stream commands. */
        public Builder onCommand(CommandListener listener) {
            this.listener = listener;
            return this;
        }

        /**
         * Is told of every link that comes or goes, after the engine itself (a worker's syncing users
         * re-announce themselves on each new link). Called on the transport's thread: must not block.
         */
        public Builder onConnection(ConnectionListener connectionListener) {
            connectionListeners.add(Objects.requireNonNull(connectionListener, "connectionListener"));
            return this;
        }

        /**
         * Rows per update-function call, both when streaming (default 100, as the reference) and
         * when catching up (default {@value ReplicationEngine#DEFAULT_CATCH_UP_PAGE_ROWS}); to set
         * the catch-up page alone, call {@link #catchUpPageRows} after this.
         */
        public Builder fetchLimit(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("fetch limit must be positive");
            }
            this.fetchLimit = rows;
            this.catchUpPageRows = rows;
            return this;
        }

        /**
         * Rows asked for per update-function call when catching up (default
         * {@value ReplicationEngine#DEFAULT_CATCH_UP_PAGE_ROWS}). Large pages make a worker far behind
         * catch up in few round trips; a source may answer fewer (a Synapse main caps its HTTP answer
         * at its own limit and says {@code limited}, and the worker asks again).
         */
        public Builder catchUpPageRows(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("catch-up page rows must be positive");
            }
            this.catchUpPageRows = rows;
            return this;
        }

        /**
         * Commands received on one link and not yet handled before reading from it pauses (default
         * 10,000), for the stream queues and for the other commands each; bounds memory when a
         * handler is slower than the peer.
         */
        public Builder maxQueuedPerLink(int commands) {
            if (commands < 2) {
                throw new IllegalArgumentException("max queued per link must be at least 2");
            }
            this.maxQueuedPerLink = commands;
            return this;
        }

        /** The links' line limit: longer RDATA are replaced by a POSITION (default 16384). */
        public Builder maxLineBytes(int bytes) {
            this.maxLineBytes = Framing.checkMaxLineBytes(bytes);
            return this;
        }

        /** How long the streamer waits before reading again after a failed read (default 1 s). */
        public Builder retryDelay(Duration delay) {
            this.retryDelay = delay;
            return this;
        }

        /**
         * The most threads handling received commands: {@code streams} for the per-stream queues
         * (catch-up reads may block them; default 32), {@code commands} for the per-link queues of
         * the other commands (default 4).
         */
        public Builder threads(int streams, int commands) {
            if (streams < 1 || commands < 1) {
                throw new IllegalArgumentException("thread bounds must be positive, got " + streams + " and "
                        + commands);
            }
            this.streamThreads = streams;
            this.commandThreads = commands;
            return this;
        }

        /** How long {@link ReplicationEngine#close()} waits for running tasks (default 10 s). */
        public Builder shutdownWait(Duration wait) {
            this.shutdownWait = wait;
            return this;
        }

        /** Builds and starts the engine. */
        public ReplicationEngine build() {
            return new ReplicationEngine(this);
        }
    }
}
