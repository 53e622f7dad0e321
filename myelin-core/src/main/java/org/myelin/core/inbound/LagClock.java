package org.myelin.core.inbound;

import java.util.ArrayDeque;

/**
 * When the positions of one (stream, writer) were announced, so that how far behind a reader is
 * can be told in time as well as in tokens: the lag is the age of the oldest announced position not
 * handled yet. Thread-safe (the receiving thread announces, the stream's queue handles).
 *
 * <p>Bounded: past {@link #MAX_ENTRIES} positions waiting, a newer one moves the last entry up
 * instead of adding one, keeping that entry's older time, so a long backlog reads a little older,
 * never younger, than it is.
 */
final class LagClock {
    static final int MAX_ENTRIES = 256;

    /** Pairs (position, nanoTime), positions increasing. */
    private final ArrayDeque<long[]> pending = new ArrayDeque<>();
    private long lastPosition = Long.MIN_VALUE;
    private long handled = Long.MIN_VALUE;

    /** The writer announced {@code position} (RDATA or POSITION) at {@code nanos}. */
    synchronized void announced(long position, long nanos) {
        if (position < lastPosition) {
            // a reset: what was waiting is moot, the next handled token decides
            pending.clear();
        } else if (position == lastPosition || position <= handled) {
            return;
        }
        lastPosition = position;
        if (position <= handled) {
            return;
        }
        long[] last = pending.peekLast();
        if (pending.size() >= MAX_ENTRIES && last != null) {
            last[0] = position;
        } else {
            pending.addLast(new long[] {position, nanos});
        }
    }

    /** Everything up to {@code token} was handled. */
    synchronized void handled(long token) {
        handled = token;
        for (long[] first; (first = pending.peekFirst()) != null && first[0] <= token; ) {
            pending.pollFirst();
        }
    }

    /** Milliseconds since the oldest position not handled yet was announced; 0 when caught up. */
    synchronized long lagMillis(long nanos) {
        long[] first = pending.peekFirst();
        return first == null ? 0 : Math.max(0, (nanos - first[1]) / 1_000_000);
    }
}
