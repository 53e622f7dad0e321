package org.myelin.tcp;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
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
        DISCARDED
    }

    /** A command waiting with its encoded line. */
    record Pending(Command command, byte[] line) {}

    private final long maxBytes;
    private final int maxCommands;
    private final TcpMetrics metrics;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private final Set<String> gaps = new LinkedHashSet<>();
    private long bytes;
    private boolean catchUp;

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
        if (!catchUp && (bytes + line.length > maxBytes || queue.size() + 1 > maxCommands)) {
            enterCatchUp();
            if (command instanceof RdataCommand rdata) {
                return discard(rdata);
            }
        }
        // Outside RDATA nothing is dropped: a command is small and the unwritable deadline
        // bounds how long the queue can grow.
        queue.add(new Pending(command, line));
        bytes += line.length;
        return Admission.QUEUED;
    }

    private Admission discard(RdataCommand rdata) {
        gaps.add(rdata.stream());
        metrics.rdataDiscarded.increment();
        return Admission.DISCARDED;
    }

    private void enterCatchUp() {
        catchUp = true;
        metrics.catchUpEntered.increment();
        for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
            Pending pending = it.next();
            if (pending.command() instanceof RdataCommand rdata) {
                it.remove();
                bytes -= pending.line().length;
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
        Pending pending = queue.poll();
        if (pending != null) {
            bytes -= pending.line().length;
        }
        return pending;
    }

    boolean isEmpty() {
        return queue.isEmpty();
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
        bytes = 0;
    }
}
