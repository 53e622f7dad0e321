package org.myelin.bench.load;

import java.util.Arrays;
import java.util.List;

/**
 * Write-to-delivery latency percentiles, in nanoseconds (nearest-rank on the exact samples).
 *
 * @param samples how many deliveries were measured
 * @param p50 the median
 * @param p99 the 99th percentile
 * @param p999 the 99.9th percentile
 * @param max the largest
 */
record LatencySummary(long samples, long p50, long p99, long p999, long max) {

    /** The percentiles of every sample of every reader together. */
    static LatencySummary of(List<long[]> perReader) {
        long[] all = new long[perReader.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (long[] a : perReader) {
            System.arraycopy(a, 0, all, at, a.length);
            at += a.length;
        }
        if (all.length == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        Arrays.sort(all);
        return new LatencySummary(all.length, rank(all, 0.50), rank(all, 0.99), rank(all, 0.999), all[all.length - 1]);
    }

    private static long rank(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
