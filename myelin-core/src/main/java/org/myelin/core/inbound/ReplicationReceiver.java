package org.myelin.core.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.stream.TokenGroup;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.core.task.BackgroundTasks;
import org.myelin.protocol.Command;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles RDATA and POSITION as a worker: one ordered queue per stream, drained by one background
 * task at a time, so a stream is handled strictly in arrival order while streams proceed in parallel.
 *
 * <ul>
 *   <li>RDATA of a stream before that stream's first POSITION on the link is dropped: the POSITION's
 *       catch-up covers it.
 *   <li>{@code batch} rows wait for the next numbered row; rows at or below the current token are
 *       dropped (already seen).
 *   <li>POSITION with {@code prev <= cur <= new}: nothing missing; otherwise rows {@code (cur, new]}
 *       are fetched through the update function in batches until not limited, and handled before
 *       any later RDATA. {@code cur > new} means the writer's stream was reset: resync to {@code new}.
 *   <li>A failed catch-up or handler closes the link (the token stays put), so the rows are fetched
 *       again after reconnecting; the client's backoff is reset only once every stream caught up.
 *   <li>Memory is bounded: when a link has {@code maxQueued} commands waiting, reading from it stops
 *       until half have been handled, and the writer sees a congested link.
 * </ul>
 */
public final class ReplicationReceiver {
    private static final Logger log = LoggerFactory.getLogger(ReplicationReceiver.class);

    private final String instanceName;
    private final InboundStreams streams;
    private final ReplicationDataHandler handler;
    private final BackgroundTasks tasks;
    private final OptionalLong initialToken;
    private final int fetchLimit;
    private final int maxQueued;
    private final Map<String, StreamQueue> queues = new ConcurrentHashMap<>();
    private final Map<ReplicationConnection, LinkState> links = new ConcurrentHashMap<>();
    /** Current token per stream, then per writer instance; each stream's entry is touched only by its queue. */
    private final Map<String, Map<String, Long>> tokens = new ConcurrentHashMap<>();
    private final LongAdder rowsDelivered = new LongAdder();
    private final LongAdder rdataDropped = new LongAdder();
    private final LongAdder catchUps = new LongAdder();
    private final LongAdder pauses = new LongAdder();

    /**
     * @param instanceName this process's name; RDATA and POSITION from it are echoes, ignored
     * @param streams what to follow and how to catch up
     * @param handler receives the rows
     * @param tasks runs the per-stream queues
     * @param initialToken where a stream starts when this process has no token for it yet; empty to
     *     start at the position first announced (like a Synapse worker) without fetching
     * @param fetchLimit rows per update-function call
     * @param maxQueued commands waiting per link before reading from it pauses
     */
    public ReplicationReceiver(String instanceName, InboundStreams streams, ReplicationDataHandler handler,
            BackgroundTasks tasks, OptionalLong initialToken, int fetchLimit, int maxQueued) {
        this.instanceName = instanceName;
        this.streams = streams;
        this.handler = handler;
        this.tasks = tasks;
        this.initialToken = initialToken;
        this.fetchLimit = fetchLimit;
        this.maxQueued = maxQueued;
    }

    /** A link opened; its streams start "not caught up". */
    public void connected(ReplicationConnection connection) {
        links.put(connection, new LinkState(connection));
    }

    /** A link closed: its queued commands are skipped and its pending batches dropped. */
    public void disconnected(ReplicationConnection connection) {
        LinkState link = links.remove(connection);
        if (link != null) {
            link.closed = true;
        }
    }

    /** Queues an RDATA or POSITION received on a link; returns at once. */
    public void receive(ReplicationConnection connection, Command command) {
        String stream;
        String instance;
        if (command instanceof RdataCommand r) {
            stream = r.stream();
            instance = r.instance();
        } else if (command instanceof PositionCommand p) {
            stream = p.stream();
            instance = p.instance();
        } else {
            throw new IllegalArgumentException("not a stream command: " + command.name());
        }
        if (instance.equals(instanceName) || !streams.follows(stream)) {
            return; // our own echo, or a stream nobody here wants
        }
        LinkState link = links.get(connection);
        if (link == null) {
            return; // closed meanwhile
        }
        if (command instanceof PositionCommand) {
            link.announced.add(stream);
        }
        if (link.queued.incrementAndGet() >= maxQueued && link.paused.compareAndSet(false, true)) {
            log.debug("link {} has {} commands waiting; pausing reads", connection.describe(), maxQueued);
            pauses.increment();
            connection.setReading(false);
        }
        queues.computeIfAbsent(stream, StreamQueue::new).add(link, command);
    }

    /** The current token of every (stream, instance) this process has seen. */
    public Map<String, Map<String, Long>> tokens() {
        Map<String, Map<String, Long>> copy = new java.util.TreeMap<>();
        tokens.forEach((s, m) -> copy.put(s, new java.util.TreeMap<>(m)));
        return copy;
    }

    /** Rows handed to the handler. */
    public long rowsDelivered() {
        return rowsDelivered.sum();
    }

    /** RDATA dropped (before the stream's POSITION, or already seen). */
    public long rdataDropped() {
        return rdataDropped.sum();
    }

    /** Times reading from a link was paused because its queue was full. */
    public long pauses() {
        return pauses.sum();
    }

    /** POSITIONs that needed rows fetched out of band. */
    public long catchUps() {
        return catchUps.sum();
    }

    private Long currentToken(String stream, String instance) {
        Map<String, Long> perInstance = tokens.get(stream);
        return perInstance == null ? null : perInstance.get(instance);
    }

    private void setToken(String stream, String instance, long token) {
        tokens.computeIfAbsent(stream, s -> new ConcurrentHashMap<>()).put(instance, token);
    }

    /** One stream's commands in arrival order, drained by at most one task at a time. */
    private final class StreamQueue {
        private final String stream;
        private final Queue<Item> items = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();

        StreamQueue(String stream) {
            this.stream = stream;
        }

        void add(LinkState link, Command command) {
            items.add(new Item(link, command));
            scheduleDrain();
        }

        private void scheduleDrain() {
            if (draining.compareAndSet(false, true)) {
                tasks.run("replication-stream-" + stream, this::drain);
            }
        }

        private void drain() {
            try {
                for (Item item; (item = items.poll()) != null; ) {
                    if (!item.link.closed && !item.link.failed.contains(stream)) {
                        handle(item);
                    }
                    item.link.handled();
                }
            } finally {
                draining.set(false);
                // an item added after the last poll but before the flag cleared would otherwise wait
                if (!items.isEmpty()) {
                    scheduleDrain();
                }
            }
        }

        private void handle(Item item) {
            try {
                if (item.command instanceof PositionCommand p) {
                    position(item.link, p);
                } else {
                    rdata(item.link, (RdataCommand) item.command);
                }
            } catch (Exception | LinkageError | AssertionError e) {
                // The token did not move past the failed rows; drop this link's stream state and have
                // the link reconnect, which re-announces the position and fetches them again.
                item.link.failed.add(stream);
                item.link.caughtUp.remove(stream);
                log.warn("handling {} of stream {} from {} failed; closing the link to fetch again",
                        item.command.name(), stream, item.link.connection.describe(), e);
                item.link.connection.close("catch-up of stream " + stream + " failed");
            }
        }

        private void rdata(LinkState link, RdataCommand r) throws Exception {
            if (!link.caughtUp.contains(stream)) {
                rdataDropped.increment();
                return;
            }
            List<RawJson> pending = link.batches.computeIfAbsent(stream, s -> new ArrayList<>());
            if (r.isBatch()) {
                pending.add(r.row());
                return;
            }
            List<RawJson> rows = new ArrayList<>(pending);
            rows.add(r.row());
            pending.clear();
            long token = r.token();
            Long current = currentToken(stream, r.instance());
            if (current != null && token <= current) {
                rdataDropped.add(rows.size());
                return;
            }
            deliver(r.instance(), token, rows);
        }

        private void position(LinkState link, PositionCommand p) throws Exception {
            link.caughtUp.remove(stream);
            link.batches.remove(stream);
            String instance = p.instance();
            Long known = currentToken(stream, instance);
            long current = known != null ? known
                    : initialToken.isPresent() ? initialToken.getAsLong() : p.newToken();
            if (current > p.newToken()) {
                log.info("stream {} of {} was reset: our token {} is past its position {}; resyncing",
                        stream, instance, current, p.newToken());
            } else if (current < p.prevToken()) {
                catchUp(instance, current, p.newToken());
            }
            setToken(stream, instance, p.newToken());
            handler.onPosition(stream, instance, p.newToken());
            link.caughtUp.add(stream);
            link.checkEstablished();
        }

        private void catchUp(String instance, long from, long upto) throws Exception {
            UpdateFunction updates = streams.updates(stream).orElseThrow(() ->
                    new IllegalStateException("no way to fetch rows of stream " + stream));
            catchUps.increment();
            log.debug("catching up stream {} of {} from {} to {}", stream, instance, from, upto);
            long current = from;
            while (true) {
                UpdateBatch batch = updates.getUpdates(instance, current, upto, fetchLimit);
                for (TokenGroup group : TokenGroup.of(batch.rows())) {
                    if (group.token() > current) {
                        deliver(instance, group.token(), group.rows());
                        current = group.token();
                    }
                }
                if (!batch.limited()) {
                    return;
                }
                if (batch.uptoToken() <= current && batch.rows().isEmpty()) {
                    throw new IllegalStateException("update function for " + stream + " made no progress at "
                            + current);
                }
                current = Math.max(current, batch.uptoToken());
            }
        }

        private void deliver(String instance, long token, List<RawJson> rows) throws Exception {
            handler.onRows(stream, instance, token, rows);
            setToken(stream, instance, token);
            rowsDelivered.add(rows.size());
        }
    }

    private record Item(LinkState link, Command command) {}

    /** What one link has told this process, stream by stream. */
    private final class LinkState {
        final ReplicationConnection connection;
        final Set<String> announced = ConcurrentHashMap.newKeySet();
        final Set<String> caughtUp = ConcurrentHashMap.newKeySet();
        final Set<String> failed = ConcurrentHashMap.newKeySet();
        final Map<String, List<RawJson>> batches = new ConcurrentHashMap<>();
        final AtomicBoolean established = new AtomicBoolean();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicBoolean paused = new AtomicBoolean();
        volatile boolean closed;

        LinkState(ReplicationConnection connection) {
            this.connection = connection;
        }

        /** One queued command was dealt with; resume reading once half the queue is gone. */
        void handled() {
            if (queued.decrementAndGet() <= maxQueued / 2 && paused.compareAndSet(true, false) && !closed) {
                log.debug("link {} queue drained; resuming reads", connection.describe());
                connection.setReading(true);
            }
        }

        void checkEstablished() {
            if (caughtUp.containsAll(streams.expected()) && caughtUp.containsAll(announced)
                    && established.compareAndSet(false, true)) {
                log.info("link {} established: {} streams caught up", connection.describe(), caughtUp.size());
                connection.markEstablished();
            }
        }
    }
}
