package org.myelin.redis;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link RedisTransport}. Written by its threads, readable from any; each only grows.
 */
public final class RedisMetrics {
    final LongAdder linksOpened = new LongAdder();
    final LongAdder connectAttempts = new LongAdder();
    final Map<String, LongAdder> reconnects = new ConcurrentHashMap<>();
    final LongAdder published = new LongAdder();
    final LongAdder publishFailures = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder parseFailures = new LongAdder();
    final LongAdder ignored = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder streamCommandsDiscarded = new LongAdder();
    final LongAdder pingsSent = new LongAdder();
    final LongAdder listenerFailures = new LongAdder();
    final org.myelin.core.metrics.CommandCounts commands = new org.myelin.core.metrics.CommandCounts();
    /** Synapse counts every command on the bus under the connection name {@code redis}. */
    final org.myelin.core.metrics.CommandCounts.Peer bus = commands.peer("redis");

    void reconnect(FailureCause cause) {
        reconnects.computeIfAbsent(cause.label(), k -> new LongAdder()).increment();
    }

    /**
     * Commands received (parsed, echoes not included) and published, by command, all under the peer
     * name {@code redis} as Synapse counts them.
     */
    public org.myelin.core.metrics.CommandCounts commands() { return commands; }

    /** Subscriptions confirmed (each counts as a new link). */
    public long linksOpened() { return linksOpened.sum(); }

    /** Connection attempts, the first included. */
    public long connectAttempts() { return connectAttempts.sum(); }

    /** Failed or lost sessions by cause ({@code refused}, {@code auth}, {@code lost}, ...). */
    public Map<String, Long> reconnectsByCause() {
        Map<String, Long> copy = new TreeMap<>();
        reconnects.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** All failed or lost sessions. */
    public long reconnects() {
        return reconnects.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Commands Redis accepted (one PUBLISH each). */
    public long published() { return published.sum(); }

    /** PUBLISHes that failed (the link is then renewed). */
    public long publishFailures() { return publishFailures.sum(); }

    /** Commands received, echoes included (a listener's own RDATA/POSITION echoes are counted unparsed). */
    public long received() { return received.sum(); }

    /** Messages on a subscribed channel that were not a valid command: logged and skipped. */
    public long parseFailures() { return parseFailures.sum(); }

    /** Valid commands that have no meaning on Redis ({@code SERVER}, {@code PING}, {@code NAME}, {@code ERROR}). */
    public long ignored() { return ignored.sum(); }

    /** Non-stream commands that could not be published (lost, logged). */
    public long dropped() { return dropped.sum(); }

    /**
     * RDATA and POSITION not published or not handed on (queue full, publish failed, link renewed, reader
     * paused): each of their streams is covered by a later POSITION, so readers fetch what they missed.
     */
    public long streamCommandsDiscarded() { return streamCommandsDiscarded.sum(); }

    /** Redis PINGs sent to check the connections. */
    public long pingsSent() { return pingsSent.sum(); }

    /** Exceptions thrown by the {@link BusListener}. */
    public long listenerFailures() { return listenerFailures.sum(); }
}
