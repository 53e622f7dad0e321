package org.myelin.core.task;

/**
 * CPU time of one kind of background task, split into user and system time.
 *
 * <p>Only the total is measured per task (the thread's CPU clock read at its start and end, about
 * 1.5 us each); reading a thread's user time costs 10-20 us on Linux, too much per task. The total
 * is split by the ratio of user to total CPU time of the pool's threads, read when asked (once per
 * scrape), so the split is the pool's, not the task's own (the process's while the pool has used too
 * little CPU time for its tick-granular user time to be accurate; see {@code PoolCpu}).
 *
 * @param userNanos the share of the measured CPU time attributed to user mode
 * @param systemNanos the share attributed to the kernel
 */
public record CpuTime(long userNanos, long systemNanos) {
    /** Splits {@code cpuNanos} by {@code userShare} (0-1). */
    static CpuTime split(long cpuNanos, double userShare) {
        long user = Math.round(cpuNanos * userShare);
        return new CpuTime(user, cpuNanos - user);
    }
}
