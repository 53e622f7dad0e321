package org.myelin.bench.load;

/**
 * The figures of one run (or, from {@link BenchReport}, the median of several, figure by figure).
 *
 * @param mode how the readers got the rows
 * @param readers how many readers there were
 * @param rows rows written
 * @param writeSeconds from the first append call to the return of the last
 * @param deliverSeconds from the first append call to the last row reaching the last reader
 * @param writtenPerSecond rows written per second
 * @param deliveredPerSecond rows delivered per second, summed over readers
 * @param latency write-to-delivery latency over all readers' rows
 * @param heapUsedBytes JVM heap in use once every row was delivered (before the run's clean-up)
 * @param storeFetches out-of-band reads of the store that found rows (catch-ups, or polls)
 */
record RunResult(Mode mode, int readers, long rows, double writeSeconds, double deliverSeconds,
        double writtenPerSecond, double deliveredPerSecond, LatencySummary latency, long heapUsedBytes,
        long storeFetches) {

    /** How the readers get the rows. */
    public enum Mode {
        /** Workers receiving RDATA over TCP from the main process: the thing measured. */
        REPLICATION,
        /** Readers polling the SQLite file every 10 ms: the baseline. */
        POLLING
    }
}
