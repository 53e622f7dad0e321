package org.myelin.tcp;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.myelin.protocol.Command;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RdataCommand;

/**
 * The commands of one link waiting for its socket to become writable, and the link's congestion
 * state: catch-up mode and the streams with a gap.
 *
 * <p>Bounded in bytes and commands. Hitting a bound does not drop the link: it enters catch-up mode,
 * discards the queued RDATA (every other command is kept, in order) and discards further RDATA until
 * {@link #leaveCatchUp()}. A stream whose RDATA was discarded has a <em>gap</em> and its RDATA keep
 * being discarded until a POSITION for it is admitted outside catch-up mode, so that the peer never
 * handles a row after a missing one without a POSITION in between.
 *
 * <p>Other commands are bounded too. A POSITION replaces, in its place, a queued POSITION of the
 * same stream and instance when no RDATA of that stream was queued after it, so that however
 * often a peer asks (a {@code REPLICATE} loop) at most one POSITION per stream and instance waits
 * after the last RDATA of the stream: the one kept still comes after the RDATA before it and before
 * the ones after it, so the gap rules hold. Once catch-up mode has discarded every RDATA and the
 * bounds are still exceeded, the peer is hopeless and {@link Admission#OVERFLOW} says so: the link
 * closes with {@code ERROR Failed to keep up}, as the reference does at 10,000 pending commands.
 *
 * <p>Owned by the link's event loop; not thread-safe.
 */
final class OutboundQueue {

    /** What to do with an admitted command. */
    enum Admission {
        /** Nothing is waiting and the socket is writable: write it now. */
        WRITE,
        /** Kept in the queue until the socket drains. */
        QUEUED,
        /** An RDATA dropped (catch-up mode or a gap in its stream). */
        DISCARDED,
        /** A POSITION that replaced an older queued one of its stream and instance. */
        COALESCED,
        /** Over the bounds with nothing left to discard: the link must be closed. */
        OVERFLOW
    }

    /** A command waiting with its encoded line. */
    record Pending(Command command, byte[] line) {}

    /** A queue slot; a POSITION's slot may be given a newer POSITION while it waits. */
    private static final class Slot {
        Command command;
        byte[] line;

        Slot(Command command, byte[] line) {
            this.command = command;
            this.line = line;
        }
    }

    private final long maxBytes;
    private final int maxCommands;
    private final TcpMetrics metrics;
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private final Set<String> gaps = new LinkedHashSet<>();
    /**
     * Per stream, then instance: the queued POSITION a newer one may replace (none once an RDATA
     * of the stream was queued after it).
     */
    private final Map<String, Map<String, Slot>> replaceable = new HashMap<>();
    private long bytes;
    private boolean catchUp;
    /** What tripped the last entry into catch-up mode, for the log. */
    private String catchUpCause = "";

    OutboundQueue(long maxBytes, int maxCommands, TcpMetrics metrics) {
        this.maxBytes = maxBytes;
        this.maxCommands = maxCommands;
        this.metrics = metrics;
    }

    /** Decides the fate of a command; {@code socketWritable} is the channel's writability now. */
    Admission admit(Command command, byte[] line, boolean socketWritable) {
        if (command instanceof RdataCommand rdata) {
            if (catchUp || gaps.contains(rdata.stream())) {
                return discard(rdata);
            }
        } else if (command instanceof PositionCommand position && !catchUp) {
            // The POSITION tells the peer to fetch what it missed: later rows may flow again.
            gaps.remove(position.stream());
        }
        if (!catchUp && queue.isEmpty() && socketWritable) {
            return Admission.WRITE;
        }
        if (command instanceof PositionCommand position && coalesce(position, line)) {
            return Admission.COALESCED;
        }
        if (overBounds(line)) {
            if (!catchUp) {
                catchUpCause = cause(line);
                enterCatchUp();
                if (command instanceof RdataCommand rdata) {
                    return discard(rdata);
                }
            }
            if (overBounds(line)) {
                // Only commands that may not be dropped are left, and too many of them.
                metrics.queueOverflows.increment();
                return Admission.OVERFLOW;
            }
        }
        Slot slot = new Slot(command, line);
        queue.add(slot);
        bytes += line.length;
        if (command instanceof RdataCommand rdata) {
            replaceable.remove(rdata.stream());
        } else if (command instanceof PositionCommand position) {
            replaceable.computeIfAbsent(position.stream(), s -> new HashMap<>()).put(position.instance(), slot);
        }
        return Admission.QUEUED;
    }

    /** Names the bound a command of that line would cross, with the figures before anything is discarded. */
    private String cause(byte[] line) {
        boolean count = queue.size() + 1 > maxCommands;
        return String.format("%s: %,d commands (bound %,d) and %,d bytes (bound %,d) queued behind an unwritable socket",
                count ? "the command bound" : "the byte bound", queue.size(), maxCommands, bytes, maxBytes);
    }

    /** Why the queue last entered catch-up mode ("" if it never did). */
    String catchUpCause() {
        return catchUpCause;
    }

    private boolean overBounds(byte[] line) {
        return bytes + line.length > maxBytes || queue.size() + 1 > maxCommands;
    }

    /** Puts a POSITION in the place of a queued one it supersedes; false if there is none. */
    private boolean coalesce(PositionCommand position, byte[] line) {
        Map<String, Slot> byInstance = replaceable.get(position.stream());
        Slot slot = byInstance == null ? null : byInstance.get(position.instance());
        if (slot == null) {
            return false;
        }
        // The peer fetches from its own token up to the newer POSITION: nothing the older one
        // would have made it fetch is lost, and no RDATA of the stream lies between the two.
        bytes += line.length - slot.line.length;
        slot.command = position;
        slot.line = line;
        metrics.positionsCoalesced.increment();
        return true;
    }

    private Admission discard(RdataCommand rdata) {
        gaps.add(rdata.stream());
        metrics.rdataDiscarded.increment();
        return Admission.DISCARDED;
    }

    private void enterCatchUp() {
        catchUp = true;
        metrics.catchUpEntered.increment();
        for (Iterator<Slot> it = queue.iterator(); it.hasNext(); ) {
            Slot slot = it.next();
            if (slot.command instanceof RdataCommand rdata) {
                it.remove();
                bytes -= slot.line.length;
                discard(rdata);
            }
        }
    }

    /** Opens a gap for a stream whose RDATA could not be sent for another reason (too long). */
    void openGap(String stream) {
        gaps.add(stream);
    }

    /** The next waiting command, or {@code null}. */
    Pending poll() {
        Slot slot = queue.poll();
        if (slot == null) {
            return null;
        }
        bytes -= slot.line.length;
        if (slot.command instanceof PositionCommand position) {
            Map<String, Slot> byInstance = replaceable.get(position.stream());
            if (byInstance != null && byInstance.get(position.instance()) == slot) {
                byInstance.remove(position.instance());
                if (byInstance.isEmpty()) {
                    replaceable.remove(position.stream());
                }
            }
        }
        return new Pending(slot.command, slot.line);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Nothing waits, nothing is being discarded: every command admitted now (on a writable socket)
     * would be written as it comes.
     */
    boolean idle() {
        return !catchUp && queue.isEmpty() && gaps.isEmpty();
    }

    boolean inCatchUp() {
        return catchUp;
    }

    /**
     * Leaves catch-up mode (call when the queue drained into a writable socket).
     *
     * @return the streams with a gap, for which the engine must send POSITION
     */
    Set<String> leaveCatchUp() {
        catchUp = false;
        metrics.catchUpLeft.increment();
        return Set.copyOf(gaps);
    }

    /** Whether RDATA of that stream are being discarded. */
    boolean hasGap(String stream) {
        return gaps.contains(stream);
    }

    int size() {
        return queue.size();
    }

    long bytes() {
        return bytes;
    }

    /** Forgets every waiting command (the link is closing). */
    void clear() {
        queue.clear();
        replaceable.clear();
        bytes = 0;
    }
}
