package org.myelin.core.task;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CPU clocks of one pool's threads: a fast per-task reading of the current thread's total CPU
 * time, and (once per scrape) the user share of the CPU time of all the pool's threads, ended ones
 * included (their last reading is kept).
 *
 * <p>A thread's user time comes from the kernel in clock ticks (10 ms on Linux) while its total is
 * exact, so a thread's user share reads low by up to a tick. The pool's ratio is used once its
 * threads have used {@link #TRUSTED_NANOS_PER_THREAD} each on average (the error is then at most
 * 5%); before that, the process's ratio ({@code /proc/self/stat}) stands in for it.
 */
final class PoolCpu {
    private static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    /** Whether thread CPU time can be read here; checked once, not per task. */
    static final boolean SUPPORTED = supported();

    /** Pool CPU time per thread above which the tick-granular user time is within 5%. */
    static final long TRUSTED_NANOS_PER_THREAD = 200_000_000L;
    private static final Path PROC_STAT = Path.of("/proc/self/stat");

    private final Set<Long> threads = ConcurrentHashMap.newKeySet();
    /** Per live thread its last reading: {user, total}. */
    private final Map<Long, long[]> lastSeen = new HashMap<>();
    private long endedUser;
    private long endedTotal;

    /** The current thread's CPU time in nanoseconds, or 0 where it cannot be read. */
    static long now() {
        return SUPPORTED ? BEAN.getCurrentThreadCpuTime() : 0;
    }

    /** Counts a thread of the pool. */
    void add(Thread t) {
        threads.add(t.getId());
    }

    /**
     * The pool's user CPU time over its total CPU time, over the life of the pool; the process's ratio
     * while the pool has used too little CPU time for its ratio to be within 5%; 1 where neither can be
     * read (then all counts as user time).
     */
    synchronized double userShare() {
        if (!SUPPORTED) {
            return 1;
        }
        long user = endedUser;
        long total = endedTotal;
        int counted = 0;
        for (Iterator<Long> it = threads.iterator(); it.hasNext();) {
            long id = it.next();
            long u = BEAN.getThreadUserTime(id);
            long c = BEAN.getThreadCpuTime(id);
            if (u < 0 || c < 0) { // the thread has ended: keep what it had used
                it.remove();
                long[] last = lastSeen.remove(id);
                if (last != null) {
                    endedUser += last[0];
                    endedTotal += last[1];
                    user += last[0];
                    total += last[1];
                    counted++;
                }
                continue;
            }
            lastSeen.put(id, new long[] {u, c});
            user += u;
            total += c;
            counted++;
        }
        if (total > 0 && total >= TRUSTED_NANOS_PER_THREAD * Math.max(1, counted)) {
            return Math.min(1, (double) user / total);
        }
        return processUserShare();
    }

    /** The process's user time over user and system time since it started; 1 where unknown. */
    static double processUserShare() {
        try {
            String stat = Files.readString(PROC_STAT, StandardCharsets.US_ASCII);
            // the command name in parentheses may hold spaces: count fields after its closing one
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(f[11]); // field 14 of proc(5)
            long stime = Long.parseLong(f[12]); // field 15
            return utime + stime == 0 ? 1 : (double) utime / (utime + stime);
        } catch (IOException | RuntimeException e) {
            return 1; // not Linux: all counts as user time
        }
    }

    private static boolean supported() {
        try {
            if (!BEAN.isCurrentThreadCpuTimeSupported() || !BEAN.isThreadCpuTimeSupported()) {
                return false;
            }
            if (!BEAN.isThreadCpuTimeEnabled()) {
                BEAN.setThreadCpuTimeEnabled(true);
            }
            return BEAN.getCurrentThreadCpuTime() >= 0;
        } catch (UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
