package org.myelin.http.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies held by requests waiting for or running on a worker, server-wide: the
 * queue bound alone would let 256 queued 16 MiB bodies take 4 GiB.
 */
final class BodyBudget {
    private final long max;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long max) {
        this.max = max;
    }

    /** Takes {@code bytes} if they fit (or if nothing is held, so that any single body can pass). */
    boolean take(long bytes) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + bytes > max) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }
}
