package org.myelin.tcp;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential reconnect delays with jitter: initial, 2 x initial, 4 x initial, ... up to the cap,
 * each shortened by a random fraction of at most {@code jitter} so that many clients spread out.
 *
 * <p>Only {@link #reset()} brings the delay back to the initial one; the client calls it when the
 * engine marks a link established, never merely because a connection opened. Not thread-safe: owned
 * by one client, used under its lock.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final double jitter;
    private final DoubleSupplier random;
    private int failures;

    /** @param random values in {@code [0, 1)} */
    Backoff(Duration initial, Duration max, double jitter, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    Duration next() {
        long base = base(failures);
        failures = Math.min(failures + 1, 62);
        long jittered = (long) (base * (1 - jitter * random.getAsDouble()));
        return Duration.ofNanos(Math.max(1, jittered));
    }

    /** The delay the next {@link #next()} will be based on, before jitter. */
    Duration peek() {
        return Duration.ofNanos(base(failures));
    }

    private long base(int n) {
        long base = initialNanos;
        for (int i = 0; i < n && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        return Math.min(base, maxNanos);
    }

    /** Failures counted since the last reset. */
    int failures() {
        return failures;
    }

    /** Back to the initial delay. */
    void reset() {
        failures = 0;
    }
}
