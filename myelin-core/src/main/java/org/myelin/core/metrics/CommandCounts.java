package org.myelin.core.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.myelin.protocol.CommandType;

/**
 * Commands received and sent, by command and by the name of the process at the other end: what
 * Synapse exports as {@code synapse_replication_tcp_protocol_inbound_commands} and
 * {@code ..._outbound_commands} ({@code command}, {@code name}).
 *
 * <p>A transport resolves a {@link Peer} once per link (when the peer's name is known) and counts
 * through it: one atomic increment per command, no map lookup on the hot path. Counts
 * outlive the link, as Prometheus counters must; a link that reconnects under the same name goes on
 * counting in the same place.
 *
 * <p>Memory is bounded: peer names are chosen by peers, so after {@link #MAX_PEERS} distinct names
 * every new one is counted under {@link #OTHER}.
 */
public final class CommandCounts {
    /** The most distinct peer names kept apart. */
    public static final int MAX_PEERS = 1_000;
    /** The name counted under once {@link #MAX_PEERS} names are taken. */
    public static final String OTHER = "other";
    /** The name of a peer that has not said its name yet (Synapse's default too). */
    public static final String ANONYMOUS = "anon";

    private static final CommandType[] TYPES = CommandType.values();

    private final Map<String, Peer> peers = new ConcurrentHashMap<>();

    /** The counters of the peer called {@code name} (created on first use). */
    public Peer peer(String name) {
        String key = name == null || name.isEmpty() ? ANONYMOUS : name;
        Peer existing = peers.get(key);
        if (existing != null) {
            return existing;
        }
        if (peers.size() >= MAX_PEERS) {
            return peers.computeIfAbsent(OTHER, Peer::new);
        }
        return peers.computeIfAbsent(key, Peer::new);
    }

    /** Calls {@code visitor} for every (direction, command, peer) counted at least once. */
    public void forEach(Visitor visitor) {
        peers.forEach((name, peer) -> {
            for (CommandType type : TYPES) {
                long in = peer.inbound.get(type.ordinal());
                if (in > 0) {
                    visitor.count(true, type.wireName(), name, in);
                }
                long out = peer.outbound.get(type.ordinal());
                if (out > 0) {
                    visitor.count(false, type.wireName(), name, out);
                }
            }
        });
    }

    /** The total of one direction over every peer and command (tests, status). */
    public long total(boolean inbound) {
        long[] sum = new long[1];
        forEach((in, command, name, count) -> {
            if (in == inbound) {
                sum[0] += count;
            }
        });
        return sum[0];
    }

    /** Receives the counts of {@link #forEach}. */
    @FunctionalInterface
    public interface Visitor {
        /** @param inbound true for commands received, false for sent */
        void count(boolean inbound, String command, String peerName, long count);
    }

    /**
     * One peer's counters, one per command and direction. Thread-safe. Plain atomic longs, not
     * {@code LongAdder}s: a peer's commands are counted by its link's one event loop (contention is
     * rare), and thirty adders were a kilobyte of every idle link.
     */
    public static final class Peer {
        private final String name;
        private final AtomicLongArray inbound = new AtomicLongArray(TYPES.length);
        private final AtomicLongArray outbound = new AtomicLongArray(TYPES.length);

        private Peer(String name) {
            this.name = name;
        }

        /** The name counted under. */
        public String name() {
            return name;
        }

        /** A command of this type was received from the peer. */
        public void received(CommandType type) {
            inbound.incrementAndGet(type.ordinal());
        }

        /** A command of this type was sent to the peer. */
        public void sent(CommandType type) {
            outbound.incrementAndGet(type.ordinal());
        }

        /** {@code count} commands of this type were sent to the peer (a burst written at once). */
        public void sent(CommandType type, long count) {
            if (count > 0) {
                outbound.addAndGet(type.ordinal(), count);
            }
        }
    }
}
