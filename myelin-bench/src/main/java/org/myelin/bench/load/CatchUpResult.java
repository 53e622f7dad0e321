package org.myelin.bench.load;

/**
 * One measured catch-up run.
 *
 * @param behindRows rows in the store when the worker started
 * @param caughtUpRows rows the worker had handled when it was following live (the rows behind plus
 *     the live rows written meanwhile)
 * @param seconds from the worker's start to following live
 * @param establishedSeconds from the worker's start to its link being established (caught up to
 *     the position the writer announced on connecting)
 * @param liveRowsAfter live rows handled after following live, until the writer stopped
 * @param baselineRowsPerSecond the same-run baseline's rate (a plain read of the same rows)
 * @param baselineRows rows the baseline read
 */
record CatchUpResult(long behindRows, long caughtUpRows, double seconds, double establishedSeconds,
        long liveRowsAfter, double baselineRowsPerSecond, long baselineRows) {

    /** Rows per second of the catch-up, to following live. */
    double rowsPerSecond() {
        return caughtUpRows / seconds;
    }

    /** Catch-up rate over the baseline's. */
    double ratio() {
        return rowsPerSecond() / baselineRowsPerSecond;
    }
}
