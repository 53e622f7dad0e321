package org.myelin.core.outbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;
import org.myelin.core.link.EncodedBurst;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.stream.TokenGroup;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every connected link that this writer's streams moved: woken by {@link #poke()}, it reads
 * each stream's new rows once, encodes each command once and writes the bytes to every link.
 *
 * <p>One thread owns the loop and the "last sent" token of every stream, like the reference's
 * notifier loop. A poke during a run is never lost: the loop runs again. Rows sharing a token go as
 * {@code batch} RDATA ended by a numbered one; when the token moved without rows, or past the last
 * row sent, a POSITION follows. A row too long for a line is not sent: a POSITION whose previous
 * token is that row's token makes readers fetch it out of band.
 */
public final class ReplicationStreamer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicationStreamer.class);

    private final String instanceName;
    /** Iterated by the streamer thread and by links asking for positions; appended to rarely. */
    private final List<StreamState> streams = new CopyOnWriteArrayList<>();
    private final Queue<Added> added = new ConcurrentLinkedQueue<>();
    /**
     * Positions asked for and not yet sent, per link: merged, so that a link repeating REPLICATE
     * has at most one answer outstanding whatever it sends ({@link #ALL_STREAMS} for every stream).
     */
    private final Map<ReplicationConnection, Set<String>> positionRequests = new ConcurrentHashMap<>();
    private final ConnectionSet connections = new ConnectionSet();
    private final int fetchLimit;
    private final int maxLineBytes;
    private final Duration retryDelay;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition poked = lock.newCondition();
    private boolean pending;
    private volatile boolean closed;
    private final Thread thread;
    private final LongAdder rdataSent = new LongAdder();
    private final LongAdder positionsSent = new LongAdder();
    private final LongAdder oversizedRows = new LongAdder();

    /**
     * @param instanceName this writer's instance name, put in every RDATA and POSITION
     * @param outbound the streams it writes
     * @param fetchLimit rows to read per update-function call (the reference uses 100)
     * @param maxLineBytes the longest line links accept; longer RDATA fall back to POSITION
     * @param retryDelay how long to wait before reading again after a failed read
     */
    public ReplicationStreamer(String instanceName, Collection<OutboundStream> outbound, int fetchLimit,
            int maxLineBytes, Duration retryDelay) {
        this.instanceName = instanceName;
        for (OutboundStream s : outbound) {
            streams.add(new StreamState(s, s.currentToken().getAsLong()));
        }
        this.fetchLimit = fetchLimit;
        this.maxLineBytes = maxLineBytes;
        this.retryDelay = retryDelay;
        this.thread = new Thread(this::loop, "replication-streamer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Adds a link that will receive every update from now on (no replay of older rows). */
    public void addConnection(ReplicationConnection connection) {
        connections.add(connection);
    }

    /** Removes a closed link. */
    public void removeConnection(ReplicationConnection connection) {
        connections.remove(connection);
        positionRequests.remove(connection);
    }

    /** The names of the streams this writer announces. */
    public List<String> streamNames() {
        return streams.stream().map(s -> s.stream.name()).toList();
    }

    /**
     * Starts writing another stream. Every link first gets {@code POSITION name i from from} (so
     * readers accept its RDATA), then its rows after {@code fromToken} as they come.
     *
     * @param fromToken the stream's token before any row not yet announced (its token before the
     *     write that made it known)
     */
    public void addStream(OutboundStream stream, long fromToken) {
        added.add(new Added(stream, fromToken));
        poke();
    }

    private record Added(OutboundStream stream, long fromToken) {}

    /**
     * Sends {@code POSITION s i cur cur} for the given streams (all of them when {@code names} is
     * null) to one link: the answer to {@code REPLICATE}, and what a link in catch-up mode needs.
     *
     * <p>Returns at once; the streamer thread sends them, between two rows, never in the middle of
     * a token's rows. That thread is the only one writing stream commands, so a POSITION can never
     * overtake an RDATA it does not cover: had another thread read the token and then written the
     * POSITION, an RDATA handed to the link in between would arrive first, be dropped by a reader
     * not yet caught up, and the POSITION would not make up for it.
     */
    public void sendPositions(ReplicationConnection connection, Collection<String> names) {
        Set<String> asked = names == null ? ALL_STREAMS : Set.copyOf(names);
        positionRequests.merge(connection, asked, ReplicationStreamer::union);
        poke();
    }

    /** The request for every stream; compared by identity. */
    private static final Set<String> ALL_STREAMS = Set.of("\0every stream");

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (a == ALL_STREAMS || b == ALL_STREAMS) {
            return ALL_STREAMS;
        }
        Set<String> both = new HashSet<>(a);
        both.addAll(b);
        return both;
    }

    /** On the streamer thread: the current token covers every row this thread ever sent. */
    private void answerPositionRequests() {
        if (positionRequests.isEmpty()) {
            return; // the common case, checked without an iterator: this runs on every pass of the loop
        }
        for (ReplicationConnection connection : positionRequests.keySet()) {
            Set<String> names = positionRequests.remove(connection);
            if (names == null) {
                continue;
            }
            try {
                for (StreamState s : streams) {
                    if (names == ALL_STREAMS || names.contains(s.stream.name())) {
                        long current = s.stream.currentToken().getAsLong();
                        connection.send(new PositionCommand(s.stream.name(), instanceName, current, current));
                        positionsSent.increment();
                    }
                }
            } catch (RuntimeException e) {
                log.error("cannot send positions to {}", connection.describe(), e);
            }
        }
    }

    /** Wakes the loop: some stream's current token moved. Cheap; call after every commit. */
    public void poke() {
        lock.lock();
        try {
            pending = true;
            poked.signal();
        } finally {
            lock.unlock();
        }
    }

    /** RDATA lines sent (each counted once, whatever the number of links). */
    public long rdataSent() {
        return rdataSent.sum();
    }

    /** POSITION lines sent. */
    public long positionsSent() {
        return positionsSent.sum();
    }

    /**
     * Rows sent as RDATA so far, by stream (Synapse's
     * {@code synapse_replication_tcp_resource_stream_updates}); every stream this writer streams is
     * listed, from 0.
     */
    public java.util.Map<String, Long> updatesByStream() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        for (StreamState s : streams) {
            out.put(s.stream.name(), s.updates.sum());
        }
        return out;
    }

    /** Rows that were too long for a line and went out of band instead. */
    public long oversizedRows() {
        return oversizedRows.sum();
    }

    private void loop() {
        while (!closed) {
            lock.lock();
            try {
                while (!pending && !closed) {
                    poked.await();
                }
                pending = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (Added a; (a = added.poll()) != null; ) {
                streams.add(new StreamState(a.stream(), a.fromToken()));
                broadcast(new PositionCommand(a.stream().name(), instanceName, a.fromToken(), a.fromToken()));
            }
            boolean failed = false;
            for (StreamState s : streams) {
                answerPositionRequests(); // between streams too: one slow stream must not delay them
                failed |= !drainSafely(s);
            }
            answerPositionRequests();
            flushConnections();
            if (failed && !closed) {
                retryLater();
            }
        }
    }

    /** The burst is over: links that hold commands back to write them together write them now. */
    private void flushConnections() {
        for (ReplicationConnection c : connections.current()) {
            try {
                c.flush();
            } catch (RuntimeException e) {
                log.error("cannot flush {}", c.describe(), e);
            }
        }
    }

    /** Waits the retry delay in full (pokes do not cut it short), then runs the loop again. */
    private void retryLater() {
        lock.lock();
        try {
            long remaining = retryDelay.toNanos();
            while (remaining > 0 && !closed) {
                remaining = poked.awaitNanos(remaining);
            }
            pending = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #drain}, but never lets one bad stream or link end the loop (every stream would stop). */
    private boolean drainSafely(StreamState s) {
        try {
            return drain(s);
        } catch (RuntimeException e) {
            log.error("streaming {} failed; retrying in {}", s.stream.name(), retryDelay, e);
            return false;
        }
    }

    /** Sends what moved in one stream; false if its rows could not be read (retried later). */
    private boolean drain(StreamState s) {
        String name = s.stream.name();
        while (true) {
            long current = s.stream.currentToken().getAsLong();
            if (current == s.lastSent) {
                return true;
            }
            if (current < s.lastSent) {
                // an in-memory stream restarted: readers resync on a POSITION below their token
                log.info("stream {} went back from {} to {}", name, s.lastSent, current);
                broadcast(new PositionCommand(name, instanceName, current, current));
                s.lastSent = current;
                return true;
            }
            UpdateBatch batch;
            try {
                batch = s.stream.updates().getUpdates(instanceName, s.lastSent, current, fetchLimit);
            } catch (Exception e) {
                log.warn("cannot read new rows of stream {} after token {}; retrying in {}", name, s.lastSent,
                        retryDelay, e);
                return false;
            }
            if (batch.limited() && batch.uptoToken() <= s.lastSent) {
                log.error("update function of stream {} answered 'limited' without progress after token {}; "
                        + "retrying in {}", name, s.lastSent, retryDelay);
                return false;
            }
            long upto = batch.limited() ? batch.uptoToken() : current;
            long lastRowSent = s.lastSent;
            // the whole batch as one burst: each line encoded once, one hand-off and one write per link
            Burst burst = new Burst();
            for (TokenGroup group : TokenGroup.of(batch.rows())) {
                if (addGroup(burst, name, group)) {
                    s.updates.add(group.rows().size());
                } else {
                    // prev = the skipped token, so every reader below it fetches it out of band
                    burst.addPosition(new PositionCommand(name, instanceName, group.token(), group.token()));
                }
                lastRowSent = group.token();
            }
            if (lastRowSent < upto) {
                burst.addPosition(new PositionCommand(name, instanceName, lastRowSent, upto));
            }
            burst.send();
            s.lastSent = upto;
            if (!batch.limited()) {
                return true;
            }
        }
    }

    /** Adds one token's rows to a burst; false (nothing added) if one of them does not fit on a line. */
    private boolean addGroup(Burst burst, String stream, TokenGroup group) {
        List<RawJson> rows = group.rows();
        int mark = burst.commands.size();
        for (int i = 0; i < rows.size(); i++) {
            RdataCommand command = new RdataCommand(stream, instanceName,
                    i == rows.size() - 1 ? Long.valueOf(group.token()) : null, rows.get(i));
            byte[] line = CommandCodec.encodeLine(command, Dialect.LATEST);
            if (line.length - 1 > maxLineBytes) {
                oversizedRows.increment();
                log.warn("row of stream {} at token {} is {} bytes, over the {}-byte line limit: "
                        + "readers will fetch it out of band", stream, group.token(), line.length - 1, maxLineBytes);
                burst.truncate(mark);
                return false;
            }
            burst.add(command, line, true);
        }
        return true;
    }

    /** Commands of one batch, sent together; counted once per burst, not per line. */
    private final class Burst {
        final List<Command> commands = new ArrayList<>();
        final List<byte[]> lines = new ArrayList<>();
        int rdata;
        int positions;

        void add(Command command, byte[] line, boolean isRdata) {
            commands.add(command);
            lines.add(line);
            if (isRdata) {
                rdata++;
            } else {
                positions++;
            }
        }

        void addPosition(PositionCommand position) {
            add(position, CommandCodec.encodeLine(position, Dialect.LATEST), false);
        }

        void truncate(int size) {
            while (commands.size() > size) {
                commands.remove(commands.size() - 1);
                lines.remove(lines.size() - 1);
                rdata--;
            }
        }

        void send() {
            if (commands.isEmpty()) {
                return;
            }
            EncodedBurst encoded = new EncodedBurst(commands, lines);
            for (ReplicationConnection c : connections.current()) {
                c.sendBurst(encoded);
            }
            rdataSent.add(rdata);
            positionsSent.add(positions);
        }
    }

    private void broadcast(Command command) {
        byte[] line = CommandCodec.encodeLine(command, Dialect.LATEST);
        for (ReplicationConnection c : connections.current()) {
            c.sendEncoded(command, line);
        }
        positionsSent.increment();
    }

    /** Stops the loop; pending updates are not sent. */
    @Override
    public void close() {
        closed = true;
        poke();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Owned by the streamer thread, except the final stream reference. */
    private static final class StreamState {
        final OutboundStream stream;
        long lastSent;
        /** Rows sent as RDATA (Synapse's stream_updates); read by metrics from other threads. */
        final LongAdder updates = new LongAdder();

        StreamState(OutboundStream stream, long lastSent) {
            this.stream = stream;
            this.lastSent = lastSent;
        }
    }
}
