package org.myelin.core.task;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a check (timeouts, delayed sends) at a fixed period on one named daemon thread. The logic it
 * drives takes its time from a clock and exposes {@code tick()}, so tests call that directly with a
 * controllable clock and never wait; only the program uses a ticker. A failed tick is logged and the
 * next one runs as usual.
 */
public final class Ticker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final ScheduledExecutorService executor;
    private final String name;

    /**
     * Starts ticking.
     *
     * @param name the thread's and the logging context's task name
     * @param period time between ticks
     * @param tick the work of one tick
     */
    public Ticker(String name, Duration period, Runnable tick) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("tick period must be positive: " + period);
        }
        this.name = name;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, period.toMillis());
        executor.scheduleWithFixedDelay(() -> {
            MDC.put("task", name);
            try {
                tick.run();
            } catch (RuntimeException | Error e) {
                log.warn("tick of {} failed; trying again in {} ms", name, ms, e);
            } finally {
                MDC.remove("task");
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Stops ticking and waits (at most 5 s) for a running tick. */
    @Override
    public void close() {
        executor.shutdown(); // periodic runs stop; a running tick finishes (a store write is not cut short)
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("tick of {} did not stop within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
