package org.myelin.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces the writer's append calls to hold a fixed rate of rows per second, or not at all. The
 * schedule is absolute (row {@code n} is due at {@code start + n / rate}), so a writer that fell
 * behind catches up instead of drifting slower.
 */
final class Pacer {
    private final int rowsPerSecond;
    private final long startNanos;

    /** @param rowsPerSecond 0 for no pacing */
    Pacer(int rowsPerSecond, long startNanos) {
        this.rowsPerSecond = rowsPerSecond;
        this.startNanos = startNanos;
    }

    /** Waits until row {@code rowsWritten} is due. */
    void awaitTurn(long rowsWritten) {
        if (rowsPerSecond == 0) {
            return;
        }
        long due = startNanos + rowsWritten * 1_000_000_000L / rowsPerSecond;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
