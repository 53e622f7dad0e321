package org.myelin.core.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.stream.StreamRow;
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
 *       are fetched through the update function in pages until not limited (the next page read
 *       while the current one is handed over), and handled before
 *       any later RDATA. {@code cur > new} means the writer's stream was reset: resync to {@code new}.
 *   <li>A failed catch-up or handler closes the link (the token stays put), so the rows are fetched
 *       again after reconnecting; the client's backoff is reset only once every stream caught up.
 *   <li>Memory is bounded: when a link has {@code maxQueued} commands waiting, reading from it stops
 *       until half have been handled, and the writer sees a congested link.
 *   <li>Streams resume per (stream, writer instance) from {@link ResumePositions}.
 *   <li>A link counts as established once every followed stream the writer announced has caught
 *       up. The writer answers REPLICATE with a burst of POSITIONs, one per stream it has, and
 *       never says the burst is over, so the announced set counts as complete when (a) every
 *       expected stream has been announced, or (b) an RDATA arrives after a POSITION (live traffic
 *       follows the burst), or (c) no POSITION of a new stream came for the announce grace period
 *       (ten times that when none came at all). An expected stream the writer did not announce
 *       is reported once (WARN) and does not hold the link back.
 *   <li>Closing a link or the receiver stops its catch-ups promptly: checked between pages and
 *       between token groups, an update-function call in flight is interrupted, and no row of a
 *       closed link (or after {@link #close()}) reaches the handler.
 * </ul>
 */
public final class ReplicationReceiver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationReceiver.class);

    private final String instanceName;
    private final InboundStreams streams;
    private final ReplicationDataHandler handler;
    private final BackgroundTasks tasks;
    private final ResumePositions resume;
    private final Duration announceGrace;
    private final int fetchLimit;
    private final int maxQueued;
    private final ScheduledExecutorService timer;
    /** Reads the next catch-up page while the current one is handed over; threads exist while used. */
    private final ExecutorService prefetch;
    private final Set<String> warnedUnannounced = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private final Map<String, StreamQueue> queues = new ConcurrentHashMap<>();
    private final Map<ReplicationConnection, LinkState> links = new ConcurrentHashMap<>();
    /** Current token per stream, then per writer instance; each stream's entry is touched only by its queue. */
    private final Map<String, Map<String, Long>> tokens = new ConcurrentHashMap<>();
    /** The highest position each writer announced (RDATA or POSITION received, handled or not). */
    private final Map<String, Map<String, AtomicLong>> writerPositions = new ConcurrentHashMap<>();
    /** When each (stream, writer) position was announced, for the lag in milliseconds. */
    private final Map<String, Map<String, LagClock>> clocks = new ConcurrentHashMap<>();
    private final LongAdder rowsDelivered = new LongAdder();
    private final LongAdder catchUpRows = new LongAdder();
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
        this(instanceName, streams, handler, tasks, ResumePositions.atAnnounced().withOtherwise(initialToken),
                fetchLimit, maxQueued, Duration.ofMillis(500));
    }

    /**
     * @param instanceName this process's name; RDATA and POSITION from it are echoes, ignored
     * @param streams what to follow and how to catch up
     * @param handler receives the rows
     * @param tasks runs the per-stream queues
     * @param resume where each (stream, instance) starts when this process has no token for it yet
     * @param fetchLimit rows per update-function call
     * @param maxQueued commands waiting per link before reading from it pauses
     * @param announceGrace how long a link must be quiet of POSITIONs of new streams before the
     *     writer's announced set counts as complete
     */
    public ReplicationReceiver(String instanceName, InboundStreams streams, ReplicationDataHandler handler,
            BackgroundTasks tasks, ResumePositions resume, int fetchLimit, int maxQueued, Duration announceGrace) {
        this.instanceName = instanceName;
        this.streams = streams;
        this.handler = handler;
        this.tasks = tasks;
        this.resume = resume;
        this.announceGrace = announceGrace;
        this.fetchLimit = fetchLimit;
        this.maxQueued = maxQueued;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "replication-" + instanceName + "-announce");
            t.setDaemon(true);
            return t;
        });
        this.prefetch = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "replication-" + instanceName + "-prefetch");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Stops delivering: queued commands are skipped, running catch-ups stop at the next page or token
     * group (an update-function call in flight is interrupted). A handler call already running
     * finishes; the caller waits for it by closing the tasks afterwards.
     */
    @Override
    public void close() {
        closed = true;
        links.values().forEach(LinkState::stop);
        timer.shutdownNow();
        prefetch.shutdown(); // reads in flight were interrupted by their links' stop
    }

    /** A link opened; its streams start "not caught up". */
    public void connected(ReplicationConnection connection) {
        LinkState link = new LinkState(connection);
        links.put(connection, link);
        // a writer that announces nothing at all still ends its (empty) burst eventually
        link.restartGrace(announceGrace.multipliedBy(10));
    }

    /** A link closed: its queued commands are skipped and its pending batches dropped. */
    public void disconnected(ReplicationConnection connection) {
        LinkState link = links.remove(connection);
        if (link != null) {
            link.stop();
            link.drainTouched(); // what it queued in its last read is skipped, not left waiting
        }
    }

    /**
     * The link's transport finished handing over the commands of one read (only links whose
     * {@link ReplicationConnection#reportsReadBatches()} is true call it): the streams they went
     * to are drained now, once for the whole read rather than once per command.
     */
    public void readComplete(ReplicationConnection connection) {
        LinkState link = links.get(connection);
        if (link != null) {
            link.drainTouched();
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
        if (instance.equals(instanceName)) {
            return; // our own echo
        }
        LinkState link = links.get(connection);
        if (link == null || closed) {
            return; // closed meanwhile
        }
        link.noteAnnouncement(command instanceof PositionCommand, stream);
        if (!streams.follows(stream)) {
            return; // a stream nobody here wants
        }
        if (command instanceof PositionCommand) {
            link.announced.add(stream);
        }
        noteWriterPosition(link, stream, instance, command);
        if (link.queued.incrementAndGet() >= maxQueued && link.paused.compareAndSet(false, true)) {
            log.debug("link {} has {} commands waiting; pausing reads", connection.describe(), maxQueued);
            pauses.increment();
            connection.setReading(false);
        }
        StreamQueue queue = queues.computeIfAbsent(stream, StreamQueue::new);
        if (connection.reportsReadBatches()) {
            queue.add(link, command, false);
            link.touched(queue);
        } else {
            queue.add(link, command, true);
        }
    }

    /**
     * How far behind each followed (stream, writer) this process is, in tokens: the highest position
     * the writer announced (by RDATA or POSITION, even if not handled yet) minus the token handled.
     * 0 when caught up; a stream reset shows 0.
     */
    public Map<String, Map<String, Long>> lag() {
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        writerPositions.forEach((stream, byInstance) -> byInstance.forEach((instance, announced) -> {
            Long handled = currentToken(stream, instance);
            long lag = handled == null ? 0 : Math.max(0, announced.get() - handled);
            out.computeIfAbsent(stream, k -> new java.util.TreeMap<>()).put(instance, lag);
        }));
        return out;
    }

    private void noteWriterPosition(LinkState link, String stream, String instance, Command command) {
        long position;
        if (command instanceof PositionCommand p) {
            position = p.newToken();
        } else if (command instanceof RdataCommand r && !r.isBatch()) {
            position = r.token();
        } else {
            return;
        }
        // a link's rows mostly come from one (stream, writer) after another: two map lookups and a
        // boxed merge per row become a comparison of the names
        WriterSlot slot = link.lastWriter;
        if (slot == null || !slot.stream().equals(stream) || !slot.instance().equals(instance)) {
            AtomicLong announced = writerPositions.computeIfAbsent(stream, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(instance, k -> new AtomicLong(Long.MIN_VALUE));
            slot = new WriterSlot(stream, instance, announced, clock(stream, instance));
            link.lastWriter = slot;
        }
        if (command instanceof PositionCommand) {
            slot.announced().set(position); // may go back: the writer's stream was reset
        } else {
            slot.announced().accumulateAndGet(position, Math::max);
        }
        slot.clock().announced(position, System.nanoTime());
    }

    /** Where a writer of a stream is known to be, and its lag clock: what each row updates. */
    private record WriterSlot(String stream, String instance, AtomicLong announced, LagClock clock) {}

    /**
     * How far behind each followed (stream, writer) this process is, in milliseconds: how long ago the
     * oldest position announced but not handled yet was announced. 0 when caught up; the same keys as
     * {@link #lag()}.
     */
    public Map<String, Map<String, Long>> lagMillis() {
        long now = System.nanoTime();
        Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
        writerPositions.forEach((stream, byInstance) -> byInstance.forEach((instance, position) -> {
            Long handledToken = currentToken(stream, instance);
            long ms = handledToken == null ? 0 : clock(stream, instance).lagMillis(now);
            out.computeIfAbsent(stream, k -> new java.util.TreeMap<>()).put(instance, ms);
        }));
        return out;
    }

    /**
     * RDATA and POSITION received and waiting to be handled, by stream (Synapse's
     * {@code synapse_replication_tcp_command_queue}).
     */
    public Map<String, Integer> queuedByStream() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        queues.forEach((stream, queue) -> out.put(stream, queue.size.get()));
        return out;
    }

    /**
     * RDATA received (not echoes) of each followed stream (Synapse's
     * {@code synapse_replication_tcp_protocol_inbound_rdata_count}).
     */
    public Map<String, Long> rdataReceivedByStream() {
        Map<String, Long> out = new java.util.TreeMap<>();
        queues.forEach((stream, queue) -> out.put(stream, queue.rdataReceived.sum()));
        return out;
    }

    /** Rows fetched out of band (catch-up) and handed to the handler. */
    public long catchUpRows() {
        return catchUpRows.sum();
    }

    private LagClock clock(String stream, String instance) {
        return clocks.computeIfAbsent(stream, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(instance, k -> new LagClock());
    }

    /** The current token of every (stream, instance) this process has seen. */
    public Map<String, Map<String, Long>> tokens() {
        Map<String, Map<String, Long>> copy = new java.util.TreeMap<>();
        tokens.forEach((s, m) -> copy.put(s, new java.util.TreeMap<>(m)));
        return copy;
    }

    /**
     * Each followed stream's safe position: the least token over its writers, below which no row of
     * theirs can still arrive. A writer counts once heard of, or, before that, at its token in the
     * resume positions when listed there (a worker told of every writer, as by its state file, never
     * reports a position past a writer it has not heard from yet).
     */
    public Map<String, Long> safePositions() {
        Map<String, Map<String, Long>> known = new java.util.TreeMap<>();
        resume.tokens().forEach((stream, byInstance) -> known.put(stream, new java.util.TreeMap<>(byInstance)));
        tokens.forEach((stream, byInstance) -> known.computeIfAbsent(stream, k -> new java.util.TreeMap<>())
                .putAll(byInstance));
        Map<String, Long> out = new java.util.TreeMap<>();
        known.forEach((stream, byInstance) -> byInstance.values().stream().min(Long::compare)
                .ifPresent(min -> out.put(stream, min)));
        return out;
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
        clock(stream, instance).handled(token);
    }

    /** One stream's commands in arrival order, drained by at most one task at a time. */
    private final class StreamQueue {
        private final String stream;
        private final Queue<Item> items = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean draining = new AtomicBoolean();
        /** Items waiting (ConcurrentLinkedQueue.size() walks the queue). */
        final AtomicInteger size = new AtomicInteger();
        /** RDATA received for this stream, echoes not included. */
        final LongAdder rdataReceived = new LongAdder();

        StreamQueue(String stream) {
            this.stream = stream;
        }

        /** Queues a command; with {@code drainNow} false the caller schedules the drain later. */
        void add(LinkState link, Command command, boolean drainNow) {
            if (command instanceof RdataCommand) {
                rdataReceived.increment();
            }
            size.incrementAndGet();
            items.add(new Item(link, command));
            if (drainNow) {
                scheduleDrain();
            }
        }

        void scheduleDrain() {
            if (draining.compareAndSet(false, true)) {
                tasks.run("replication-stream-" + stream, this::drain);
            }
        }

        private void drain() {
            try {
                for (Item item; (item = items.poll()) != null; ) {
                    size.decrementAndGet();
                    if (!item.link.closed && !closed && !item.link.failed.contains(stream)) {
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
                if (item.link.closed || closed) {
                    // stopped on purpose (link gone or shutting down): the token stays put, nothing to report
                    log.debug("stream {} stopped: link {} closed ({})", stream, item.link.connection.describe(),
                            e.toString());
                    return;
                }
                // The token did not move past the failed rows; drop this link's stream state and have
                // the link reconnect, which re-announces the position and fetches them again.
                item.link.failed.add(stream);
                item.link.caughtUp.remove(stream);
                item.link.writersCaughtUp.removeIf(w -> w.stream().equals(stream));
                log.warn("handling {} of stream {} from {} failed; closing the link to fetch again",
                        item.command.name(), stream, item.link.connection.describe(), e);
                item.link.connection.close("catch-up of stream " + stream + " failed");
            }
        }

        private void rdata(LinkState link, RdataCommand r) throws Exception {
            // Per writer: on a bus several writers share, one writer's POSITION says nothing about
            // another's rows, and an RDATA that beats its own writer's POSITION may sit past a gap
            // that only that POSITION's catch-up fills.
            Writer writer = new Writer(stream, r.instance());
            if (!link.writersCaughtUp.contains(writer)) {
                rdataDropped.increment();
                return;
            }
            List<RawJson> pending = link.batches.computeIfAbsent(writer, w -> new ArrayList<>());
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
            deliver(link, r.instance(), token, rows);
        }

        private void position(LinkState link, PositionCommand p) throws Exception {
            String instance = p.instance();
            Writer writer = new Writer(stream, instance);
            link.caughtUp.remove(stream);
            link.writersCaughtUp.remove(writer);
            link.batches.remove(writer);
            Long known = currentToken(stream, instance);
            OptionalLong start = resume.startOf(stream, instance);
            long current = known != null ? known : start.isPresent() ? start.getAsLong() : p.newToken();
            if (current > p.newToken()) {
                log.info("stream {} of {} was reset: our token {} is past its position {}; resyncing",
                        stream, instance, current, p.newToken());
            } else if (current < p.prevToken()) {
                catchUp(link, instance, current, p.newToken());
            }
            link.checkOpen();
            setToken(stream, instance, p.newToken());
            handler.onPosition(stream, instance, p.newToken());
            link.writersCaughtUp.add(writer);
            link.caughtUp.add(stream);
            link.checkEstablished();
        }

        private void catchUp(LinkState link, String instance, long from, long upto) throws Exception {
            UpdateFunction updates = streams.updates(stream).orElseThrow(() ->
                    new IllegalStateException("no way to fetch rows of stream " + stream));
            catchUps.increment();
            log.debug("catching up stream {} of {} from {} to {}", stream, instance, from, upto);
            long current = from;
            UpdateBatch batch = link.fetch(updates, instance, current, upto, fetchLimit);
            while (true) {
                CompletableFuture<UpdateBatch> next = null;
                if (batch.limited()) {
                    if (batch.uptoToken() <= current && batch.rows().isEmpty()) {
                        throw new IllegalStateException("update function for " + stream + " made no progress at "
                                + current);
                    }
                    // The next page is read while this one is handed over, so that the source's
                    // latency (a database or HTTP round trip) and the handler's work overlap.
                    next = link.fetchAhead(updates, instance, Math.max(current, batch.uptoToken()), upto, fetchLimit);
                }
                current = deliverPage(link, instance, current, batch.rows());
                if (!batch.limited()) {
                    return;
                }
                current = Math.max(current, batch.uptoToken());
                batch = next != null ? LinkState.await(next)
                        : link.fetch(updates, instance, current, upto, fetchLimit);
            }
        }

        /**
         * Hands a page's rows to the handler, one token group at a time, skipping tokens at or below
         * {@code current}; returns the last token delivered. The token is recorded once per page
         * (and on a failure, at the last group handled), not per group.
         */
        private long deliverPage(LinkState link, String instance, long current, List<StreamRow> rows)
                throws Exception {
            long delivered = current;
            long count = 0;
            try {
                for (int i = 0, n = rows.size(); i < n; ) {
                    long token = rows.get(i).token();
                    int end = i + 1;
                    while (end < n && rows.get(end).token() == token) {
                        end++;
                    }
                    if (token > delivered) {
                        List<RawJson> group;
                        if (end - i == 1) {
                            group = List.of(rows.get(i).row());
                        } else {
                            group = new ArrayList<>(end - i);
                            for (int k = i; k < end; k++) {
                                group.add(rows.get(k).row());
                            }
                        }
                        link.checkOpen(); // between token groups: a closed link or receiver delivers nothing more
                        handler.onRows(stream, instance, token, group);
                        delivered = token;
                        count += end - i;
                    }
                    i = end;
                }
            } finally {
                if (delivered != current) {
                    setToken(stream, instance, delivered);
                    rowsDelivered.add(count);
                    catchUpRows.add(count);
                }
            }
            return delivered;
        }

        private void deliver(LinkState link, String instance, long token, List<RawJson> rows) throws Exception {
            link.checkOpen(); // between token groups: a closed link or receiver delivers nothing more
            handler.onRows(stream, instance, token, rows);
            setToken(stream, instance, token);
            rowsDelivered.add(rows.size());
        }
    }

    private record Item(LinkState link, Command command) {}

    /** One writer of one stream: the unit a POSITION brings up to date. */
    private record Writer(String stream, String instance) {}

    /** What one link has told this process, stream by stream. */
    private final class LinkState {
        final ReplicationConnection connection;
        final Set<String> announced = ConcurrentHashMap.newKeySet();
        final Set<String> caughtUp = ConcurrentHashMap.newKeySet();
        final Set<String> failed = ConcurrentHashMap.newKeySet();
        /** Writers of a stream whose POSITION this link has handled: their RDATA is live. */
        final Set<Writer> writersCaughtUp = ConcurrentHashMap.newKeySet();
        /** Rows of batched RDATA (token "batch") waiting for their writer's closing RDATA. */
        final Map<Writer, List<RawJson>> batches = new ConcurrentHashMap<>();
        final AtomicBoolean established = new AtomicBoolean();
        final AtomicInteger queued = new AtomicInteger();
        final AtomicBoolean paused = new AtomicBoolean();
        /** Streams of which this link sent a POSITION (followed or not). */
        final Set<String> positionsSeen = ConcurrentHashMap.newKeySet();
        final AtomicBoolean announceComplete = new AtomicBoolean();
        /** Threads inside an update-function call for this link; guarded by {@code this}. */
        private final Set<Thread> fetching = new HashSet<>();
        private ScheduledFuture<?> grace;
        volatile boolean closed;

        /** The writer of this link's last row (read and written by the link's receiving thread). */
        volatile WriterSlot lastWriter;
        /** Queues this link added to since its transport's last read ended; guarded by itself. */
        private final List<StreamQueue> touched = new ArrayList<>(2);

        LinkState(ReplicationConnection connection) {
            this.connection = connection;
        }

        void touched(StreamQueue queue) {
            synchronized (touched) {
                if (!touched.contains(queue)) {
                    touched.add(queue);
                }
            }
        }

        void drainTouched() {
            synchronized (touched) {
                for (StreamQueue queue : touched) {
                    queue.scheduleDrain();
                }
                touched.clear();
            }
        }

        /** Marks the link closed and interrupts its update-function calls in flight. */
        void stop() {
            synchronized (this) {
                closed = true;
                fetching.forEach(Thread::interrupt);
                if (grace != null) {
                    grace.cancel(false);
                }
            }
        }

        /** Throws if rows of this link must no longer be delivered. */
        void checkOpen() throws LinkClosedException {
            if (closed || ReplicationReceiver.this.closed) {
                throw new LinkClosedException(connection.describe());
            }
        }

        /** One page of a catch-up, interruptible by {@link #stop()}. */
        UpdateBatch fetch(UpdateFunction updates, String instance, long from, long upto, int limit) throws Exception {
            Thread self = Thread.currentThread();
            synchronized (this) {
                checkOpen();
                fetching.add(self);
            }
            try {
                return updates.getUpdates(instance, from, upto, limit);
            } finally {
                synchronized (this) {
                    fetching.remove(self);
                }
                if (closed || ReplicationReceiver.this.closed) {
                    Thread.interrupted(); // an interrupt meant for this fetch must not hit the next task
                }
            }
        }

        /**
         * Starts reading the next page on the prefetch pool; interruptible by {@link #stop()} like
         * {@link #fetch}. Falls back to a read on the caller's thread when the pool is closed.
         */
        CompletableFuture<UpdateBatch> fetchAhead(UpdateFunction updates, String instance, long from, long upto,
                int limit) throws Exception {
            CompletableFuture<UpdateBatch> page = new CompletableFuture<>();
            try {
                prefetch.execute(() -> {
                    try {
                        page.complete(fetch(updates, instance, from, upto, limit));
                    } catch (Throwable t) {
                        page.completeExceptionally(t);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                page.complete(fetch(updates, instance, from, upto, limit));
            }
            return page;
        }

        /** The page read ahead, or what its read threw. */
        static UpdateBatch await(CompletableFuture<UpdateBatch> page) throws Exception {
            try {
                return page.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        /** Tracks the writer's answer to REPLICATE; called on the link's I/O thread. */
        void noteAnnouncement(boolean position, String stream) {
            if (announceComplete.get()) {
                return;
            }
            if (position) {
                if (positionsSeen.add(stream)) {
                    restartGrace(announceGrace);
                }
            } else if (!positionsSeen.isEmpty()) {
                announcementComplete("an RDATA followed the POSITIONs");
            }
        }

        synchronized void restartGrace(Duration delay) {
            if (closed || announceComplete.get()) {
                return;
            }
            if (grace != null) {
                grace.cancel(false);
            }
            try {
                grace = timer.schedule(() -> announcementComplete("no new stream announced for " + delay.toMillis()
                        + " ms"), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the receiver is closing
            }
        }

        /** The writer has announced every stream it has: warn of expected ones it lacks, then check. */
        void announcementComplete(String why) {
            if (closed || !announceComplete.compareAndSet(false, true)) {
                return;
            }
            synchronized (this) {
                if (grace != null) {
                    grace.cancel(false);
                }
            }
            Set<String> missing = new TreeSet<>(streams.expected());
            missing.removeAll(announced);
            log.debug("link {} announced {} streams ({})", connection.describe(), positionsSeen.size(), why);
            for (String stream : missing) {
                if (warnedUnannounced.add(stream)) {
                    log.warn("stream {} is followed but the writer at {} did not announce it (it announced {});"
                            + " not waiting for it", stream, connection.describe(), new TreeSet<>(positionsSeen));
                }
            }
            checkEstablished();
        }

        /** One queued command was dealt with; resume reading once half the queue is gone. */
        void handled() {
            if (queued.decrementAndGet() <= maxQueued / 2 && paused.compareAndSet(true, false) && !closed) {
                log.debug("link {} queue drained; resuming reads", connection.describe());
                connection.setReading(true);
            }
        }

        void checkEstablished() {
            boolean allAnnounced = announceComplete.get()
                    || !streams.expected().isEmpty() && announced.containsAll(streams.expected());
            if (allAnnounced && caughtUp.containsAll(announced) && !closed
                    && established.compareAndSet(false, true)) {
                log.info("link {} established: {} streams caught up", connection.describe(), caughtUp.size());
                connection.markEstablished();
            }
        }
    }

    /** Why a catch-up or delivery stopped: its link (or the receiver) closed. */
    static final class LinkClosedException extends Exception {
        LinkClosedException(String link) {
            super("link " + link + " closed", null, false, false);
        }
    }
}
