package org.myelin.http.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request bodies in memory, server-wide, from their arrival until their endpoint is done:
 * the body limit and the queue bound alone would let 1,000 connections or 256 queued requests of
 * 16 MiB each take gigabytes.
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

    long held() {
        return held.get();
    }

    void give(long bytes) {
        held.addAndGet(-bytes);
    }
}
