package org.myelin.core.task;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs named background work and keeps track of it: every task is counted, timed (wall clock and
 * the thread's CPU clock, about 3 us per task together) and logged with
 * its name in the logging context ({@code task} in the MDC), and its failure is logged, never lost.
 * Nothing is fire-and-forget: {@link #run} returns a future, and {@link #close()} waits (bounded)
 * for running tasks.
 *
 * <p>The threads are bounded ({@link #DEFAULT_MAX_THREADS} unless told otherwise); tasks beyond
 * them wait their turn. The callers bound how many tasks wait: the engine runs queues (one per
 * stream, one per link), each with at most one task submitted at a time, never one task per
 * command.
 */
public final class BackgroundTasks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundTasks.class);
    /** Threads when not told otherwise. */
    public static final int DEFAULT_MAX_THREADS = 32;

    private final ThreadPoolExecutor executor;
    private final Duration shutdownWait;
    private final Map<String, Counters> counters = new ConcurrentHashMap<>();
    private final PoolCpu cpu = new PoolCpu();

    /**
     * @param threadPrefix names the worker threads ({@code prefix-1}, ...)
     * @param shutdownWait how long {@link #close()} waits for running tasks
     */
    public BackgroundTasks(String threadPrefix, Duration shutdownWait) {
        this(threadPrefix, shutdownWait, DEFAULT_MAX_THREADS);
    }

    /**
     * @param threadPrefix names the worker threads ({@code prefix-1}, ...)
     * @param shutdownWait how long {@link #close()} waits for running tasks
     * @param maxThreads the most threads running tasks at once; idle ones end after a minute
     */
    public BackgroundTasks(String threadPrefix, Duration shutdownWait, int maxThreads) {
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be positive, got " + maxThreads);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, threadPrefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            cpu.add(t);
            return t;
        };
        // Bounded threads, unbounded hand-off: tasks may block on I/O (catch-up reads), and the
        // queues submitting them bound how many wait (one task per queue at a time).
        this.executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads);
        this.executor.allowCoreThreadTimeOut(true);
        this.shutdownWait = shutdownWait;
    }

    /**
     * Runs {@code work} as the task {@code name}.
     *
     * @return a future completed with the result, or exceptionally with the failure (already logged)
     */
    public <T> CompletableFuture<T> run(String name, Callable<T> work) {
        Counters c = counters.computeIfAbsent(name, k -> new Counters());
        CompletableFuture<T> result = new CompletableFuture<>();
        c.started.increment();
        c.running.increment();
        try {
            executor.execute(() -> {
                long start = System.nanoTime();
                long cpuStart = PoolCpu.now();
                MDC.put("task", name);
                try {
                    result.complete(work.call());
                } catch (Throwable e) {
                    c.failed.increment();
                    log.warn("background task {} failed", name, e);
                    result.completeExceptionally(e);
                } finally {
                    MDC.remove("task");
                    // times first: a task no longer running has its time counted
                    c.nanos.add(System.nanoTime() - start);
                    c.cpuNanos.add(PoolCpu.now() - cpuStart);
                    c.running.decrement();
                }
            });
        } catch (RejectedExecutionException e) {
            c.running.decrement();
            c.failed.increment();
            log.warn("background task {} not started: shutting down", name);
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Runs work that returns nothing; see {@link #run(String, Callable)}. */
    public CompletableFuture<Void> run(String name, ThrowingRunnable work) {
        return run(name, () -> {
            work.run();
            return null;
        });
    }

    /**
     * Runs {@code work} as the task {@code name} on the calling thread (already a background
     * thread): counted, timed and logged like {@link #run}; a failure is logged, not thrown.
     *
     * @return whether the work completed without throwing
     */
    public boolean runHere(String name, ThrowingRunnable work) {
        Counters c = counters.computeIfAbsent(name, k -> new Counters());
        c.started.increment();
        c.running.increment();
        long start = System.nanoTime();
        long cpuStart = PoolCpu.now();
        String outer = MDC.get("task");
        MDC.put("task", name);
        try {
            work.run();
            return true;
        } catch (Throwable e) {
            c.failed.increment();
            log.warn("background task {} failed", name, e);
            return false;
        } finally {
            if (outer != null) {
                MDC.put("task", outer);
            } else {
                MDC.remove("task");
            }
            // times first: a task no longer running has its time counted
            c.nanos.add(System.nanoTime() - start);
            c.cpuNanos.add(PoolCpu.now() - cpuStart);
            c.running.decrement();
        }
    }

    /** Threads alive in the pool now (at most the bound given at construction). */
    public int threads() {
        return executor.getPoolSize();
    }

    /** The counters of every task name seen so far, sorted by name. */
    public Map<String, TaskStats> stats() {
        Map<String, TaskStats> out = new TreeMap<>();
        counters.forEach((name, c) -> out.put(name,
                new TaskStats(c.started.sum(), c.running.sum(), c.failed.sum(), c.nanos.sum(), c.cpuNanos.sum())));
        return out;
    }

    /**
     * The CPU time of every task name seen so far, sorted by name, split into user and system time by
     * the ratio of this pool's threads (see {@link CpuTime}). Reads every pool thread's clocks: meant
     * for a scrape, not a hot path.
     */
    public Map<String, CpuTime> cpuTimes() {
        double userShare = cpu.userShare();
        Map<String, CpuTime> out = new TreeMap<>();
        counters.forEach((name, c) -> out.put(name, CpuTime.split(c.cpuNanos.sum(), userShare)));
        return out;
    }

    /** Stops taking tasks and waits up to the shutdown wait for running ones. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(shutdownWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("background tasks still running after {}: {}", shutdownWait, stats());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    /** Work that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static final class Counters {
        final LongAdder started = new LongAdder();
        final LongAdder running = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder nanos = new LongAdder();
        final LongAdder cpuNanos = new LongAdder();
    }
}
