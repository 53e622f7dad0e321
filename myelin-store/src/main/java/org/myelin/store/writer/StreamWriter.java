package org.myelin.store.writer;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;
import org.myelin.store.TransactionWork;

/**
 * The writer side of replication on any {@link StreamStore}: appends rows durably, then moves the
 * stream's in-memory current token and pokes the {@link ReplicationEngine}, so that every connected
 * worker gets them as {@code RDATA}. A stream written for the first time is added to the engine,
 * which announces it to connected workers with a {@code POSITION} before any of its rows.
 *
 * <p>Keeping the current token in memory spares the streamer a query per stream and wake-up; the
 * store stays the source of truth across restarts. Safe to call from many threads: a stream's
 * current token only moves forward, and only to where every row of this writer at or below it is
 * committed ({@link StreamStore#persistedUpTo}: on PostgreSQL appends commit in any order).
 *
 * <p>Wiring (the {@code Myelin} facade of {@code myelin-node} does it for you):
 *
 * <pre>{@code
 * StreamWriter writer = new StreamWriter(store, "master", SynapseStreams.NAMES);
 * ReplicationEngine.Builder builder = ReplicationEngine.builder("master");
 * writer.addTo(builder);
 * ReplicationEngine engine = builder.build();
 * writer.attach(engine);
 * List<Long> tokens = writer.append("events", rows);
 * }</pre>
 */
public final class StreamWriter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StreamWriter.class);
    /**
     * Stream names a line can carry as one word and a URL as one segment: 1-100 of letters, digits,
     * {@code _ . -}, but not {@code .} or {@code ..} (which paths and files treat specially).
     */
    public static final Pattern STREAM_NAME = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.\\-]{1,100}");

    /**
     * How often a writer process moves its idle positions ({@link #advanceIdleEvery}): a stream's
     * safe position trails a writer that stopped writing by about this much.
     */
    public static final java.time.Duration IDLE_POSITION_INTERVAL = java.time.Duration.ofSeconds(1);

    private final StreamStore store;
    private final String instance;
    private final Map<String, AtomicLong> current = new ConcurrentHashMap<>();
    /**
     * Per stream, the rows appended and not streamed yet, which the streamer reads instead of the
     * store; none where writers share tokens (PostgreSQL), whose appends commit in any order.
     */
    private final Map<String, RecentRows> recentRows = new ConcurrentHashMap<>();
    private volatile ReplicationEngine engine;

    /**
     * A writer of {@code initial} streams (more are added on their first append), at the tokens the
     * store holds for {@code instance}.
     *
     * @param store where rows go
     * @param instance this writer's instance name ({@code master} for Synapse's main process)
     * @param initial streams announced from the start (say {@link SynapseStreams#NAMES})
     * @throws IllegalArgumentException for a bad stream name
     */
    public StreamWriter(StreamStore store, String instance, Collection<String> initial) {
        this.store = Objects.requireNonNull(store, "store");
        this.instance = Objects.requireNonNull(instance, "instance");
        for (String name : initial) {
            checkName(name);
            current.put(name, new AtomicLong(store.currentToken(name, instance)));
        }
    }

    /** This writer's instance name. */
    public String instance() {
        return instance;
    }

    /** Registers the streams known now with an engine builder (before {@link ReplicationEngine.Builder#build}). */
    public void addTo(ReplicationEngine.Builder builder) {
        current.keySet().stream().sorted(StreamWriter::catalogueOrder).map(this::outbound).forEach(builder::write);
    }

    /**
     * The engine to poke, once built with {@link #addTo}; appends before this fail.
     *
     * @throws IllegalStateException if an engine was already attached
     */
    public synchronized void attach(ReplicationEngine engine) {
        if (this.engine != null) {
            throw new IllegalStateException("an engine is already attached");
        }
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** Appends rows, each with its own token; see {@link #append(String, List, boolean)}. */
    public List<Long> append(String stream, List<RawJson> rows) {
        return append(stream, rows, false);
    }

    /**
     * Appends rows, each with its own token or all sharing one, and streams them. Returns once the
     * rows are committed and the streamer was told (workers get them as soon as it writes).
     *
     * @return the token of each row, in order (empty for no rows)
     * @throws IllegalArgumentException for a bad stream name or a row that is not JSON
     * @throws IllegalStateException if no engine is attached yet, or the store is closed
     * @throws org.myelin.store.StoreException if the database refused the write (nothing written)
     */
    public List<Long> append(String stream, List<RawJson> rows, boolean sameToken) {
        AtomicLong token = stream(stream);
        List<Long> tokens = store.append(stream, instance, rows, sameToken);
        RecentRows recent = recentRows.get(stream);
        if (recent != null && !tokens.isEmpty()) {
            List<String> texts = new java.util.ArrayList<>(rows.size());
            for (RawJson row : rows) {
                texts.add(row.canonicalText()); // what the store wrote (computed, and kept, by its check)
            }
            recent.appended(tokens, texts); // before the token moves: the streamer's read finds them here
        }
        return streamed(stream, token, tokens);
    }

    /**
     * Runs {@code work} and appends the rows it returns to {@code stream} in the same transaction
     * ({@link StreamStore#appendInTransaction}), then streams them: a data change and the
     * {@code caches} rows invalidating it reach readers together or not at all.
     *
     * @return the token of each returned row, in order
     * @throws IllegalArgumentException for a bad stream name or a returned row that is not JSON
     * @throws org.myelin.store.StoreException if the work or the append failed (nothing written)
     */
    public List<Long> appendInTransaction(String stream, boolean sameToken, TransactionWork work) {
        AtomicLong token = stream(stream);
        return streamed(stream, token, store.appendInTransaction(stream, instance, sameToken, work));
    }

    /**
     * Moves this writer's position on every stream it writes and is idle on up to the furthest
     * position another writer of the stream has persisted ({@link StreamStore#advanceIdle}), and
     * streams the move (a {@code POSITION} with this instance's name, no rows): with several
     * writers per stream, a writer that stopped writing must not hold the readers' safe position
     * back. Nothing moves on a store whose tokens are per writer.
     *
     * @return the new position of each stream that moved
     * @throws org.myelin.store.StoreException if the database cannot be read or written
     */
    public Map<String, Long> advanceIdle() {
        if (!store.writersShareTokens()) {
            return Map.of();
        }
        Map<String, Long> moved = store.advanceIdle(instance, current.keySet());
        moved.forEach((stream, to) -> {
            AtomicLong token = current.get(stream);
            if (token != null) {
                token.accumulateAndGet(to, Math::max);
            }
        });
        ReplicationEngine e = engine;
        if (!moved.isEmpty() && e != null) {
            e.poke();
        }
        return moved;
    }

    /**
     * Calls {@link #advanceIdle()} every {@code interval} on a daemon thread of its own, until the
     * returned handle is closed (a failure is logged and retried at the next tick). Does nothing,
     * and starts no thread, on a store whose tokens are per writer.
     *
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public AutoCloseable advanceIdleEvery(java.time.Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the idle-position interval must be positive, was " + interval);
        }
        if (!store.writersShareTokens()) {
            return () -> {};
        }
        java.util.concurrent.ScheduledExecutorService timer =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "idle-positions-" + instance);
                    t.setDaemon(true);
                    return t;
                });
        timer.scheduleWithFixedDelay(() -> {
            try {
                Map<String, Long> moved = advanceIdle();
                if (!moved.isEmpty()) {
                    log.debug("idle writer {} moved to the streams' persisted positions: {}", instance, moved);
                }
            } catch (RuntimeException e) {
                log.warn("cannot advance the idle positions of writer {} (next try in {} ms): {}", instance,
                        interval.toMillis(), e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return () -> {
            timer.shutdownNow();
            timer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        };
    }

    /** The update function of a stream this writer writes, empty for one it does not know. */
    public Optional<UpdateFunction> updates(String stream) {
        return current.containsKey(stream) ? Optional.of(store.updateFunction(stream)) : Optional.empty();
    }

    /** Reads of the streamer answered from memory and from the store, for a stream (tests). */
    long[] recentRowsReads(String stream) {
        RecentRows recent = recentRows.get(stream);
        return recent == null ? new long[2] : recent.hitsAndMisses();
    }

    /** Every stream's current token, by name. */
    public Map<String, Long> positions() {
        Map<String, Long> out = new TreeMap<>();
        current.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The current token of a stream (0 for one never written). */
    public long currentToken(String stream) {
        AtomicLong token = current.get(stream);
        return token == null ? 0 : token.get();
    }

    private AtomicLong stream(String stream) {
        if (engine == null) {
            throw new IllegalStateException("no engine attached yet: build it and call attach(engine) first");
        }
        AtomicLong token = stream == null ? null : current.get(stream);
        if (token != null) {
            return token; // a known stream's name was checked when it was added: no regex per append
        }
        checkName(stream);
        return addStream(stream);
    }

    private List<Long> streamed(String stream, AtomicLong token, List<Long> tokens) {
        if (!tokens.isEmpty()) {
            // not simply the last token: on PostgreSQL an older append of this writer may still be
            // in flight, and the streamer must not pass its rows before they are committed
            long persisted = store.persistedUpTo(stream, instance, tokens.get(tokens.size() - 1));
            token.accumulateAndGet(persisted, Math::max);
            engine.poke();
        }
        return tokens;
    }

    /** Adds a stream to the engine before its first rows, so readers get its POSITION first. */
    private synchronized AtomicLong addStream(String stream) {
        AtomicLong token = current.get(stream);
        if (token == null) {
            long from = store.currentToken(stream, instance);
            token = new AtomicLong(from);
            current.put(stream, token);
            engine.addWrittenStream(outbound(stream), from);
        }
        return token;
    }

    private OutboundStream outbound(String name) {
        AtomicLong token = current.get(name);
        UpdateFunction updates = store.updateFunction(name);
        if (!store.writersShareTokens()) {
            RecentRows recent = new RecentRows(instance, updates);
            recentRows.put(name, recent);
            updates = recent;
        }
        return new OutboundStream(name, token::get, updates);
    }

    private static void checkName(String stream) {
        if (stream == null || !STREAM_NAME.matcher(stream).matches()) {
            throw new IllegalArgumentException(
                    "stream names are 1-100 letters, digits, '_', '.' or '-', and not '.' or '..': " + stream);
        }
    }

    /** Catalogue streams first, in Synapse's order (as a Synapse main announces them), then the rest by name. */
    private static int catalogueOrder(String a, String b) {
        int ia = SynapseStreams.NAMES.indexOf(a);
        int ib = SynapseStreams.NAMES.indexOf(b);
        if (ia >= 0 && ib >= 0) {
            return Integer.compare(ia, ib);
        }
        if (ia >= 0 || ib >= 0) {
            return ia >= 0 ? -1 : 1;
        }
        return a.compareTo(b);
    }
}
