package org.myelin.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes queued commands, pipelined: one thread drains whatever waits, writes one PUBLISH per
 * command without waiting for answers, flushes once per batch, and bounds both the queue and the
 * PUBLISHes awaiting an answer. Rows go out in the order they were queued.
 */
final class Publisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);
    private static final int BATCH = 4096;

    private final RedisTransport transport;
    private final LinkedBlockingQueue<Outgoing> queue;
    private final int maxQueued;
    private final Semaphore inFlight;
    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<RedisLink> catchUps = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    Publisher(RedisTransport transport, RedisSettings settings) {
        this.transport = transport;
        this.maxQueued = settings.maxQueuedPublishes();
        this.queue = new LinkedBlockingQueue<>(maxQueued);
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.timeoutNanos = settings.commandTimeout().toNanos();
        this.thread = new Thread(this::loop, "redis-publisher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a command; false when the queue is full. */
    boolean offer(Outgoing out) {
        return !closed && queue.offer(out);
    }

    /** The link discarded stream commands: ask for its POSITIONs once the queue has room again. */
    void needsCatchUp(RedisLink link) {
        catchUps.add(link);
    }

    int queued() {
        return queue.size();
    }

    private void loop() {
        List<Outgoing> batch = new ArrayList<>(BATCH);
        Set<StatefulRedisConnection<String, byte[]>> written = new HashSet<>();
        while (!closed) {
            try {
                Outgoing first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                    for (Outgoing out : batch) {
                        publish(out, written);
                    }
                    batch.clear();
                    flush(written);
                }
                requestCatchUps();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("publisher failed; going on", e);
                batch.clear();
                written.clear();
            }
        }
    }

    private void publish(Outgoing out, Set<StatefulRedisConnection<String, byte[]>> written)
            throws InterruptedException {
        RedisLink link = out.link();
        StatefulRedisConnection<String, byte[]> connection = link.session.publisher;
        if (link.closed || connection == null) {
            transport.discarded(out.command(), out.stream(), "link closed");
            return;
        }
        if (!inFlight.tryAcquire()) {
            flush(written); // what waits for an answer must be on the wire first
            if (!inFlight.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
                transport.discarded(out.command(), out.stream(), "Redis does not answer");
                transport.fail(link.session, FailureCause.TIMEOUT,
                        new java.util.concurrent.TimeoutException("no PUBLISH answered for " + timeoutNanos / 1_000_000
                                + " ms"));
                return;
            }
        }
        RedisFuture<Long> future;
        try {
            future = connection.async().publish(out.channel(), out.payload());
        } catch (RuntimeException e) {
            inFlight.release();
            failed(out, e);
            return;
        }
        written.add(connection);
        future.whenComplete((receivers, error) -> {
            inFlight.release();
            if (error == null) {
                transport.metrics().published.increment();
                transport.metrics().bus.sent(out.command().type());
            } else {
                failed(out, error);
            }
        });
    }

    private void failed(Outgoing out, Throwable error) {
        transport.metrics().publishFailures.increment();
        transport.discarded(out.command(), out.stream(), "PUBLISH failed: " + error.getMessage());
        FailureCause cause = FailureCause.of(error);
        transport.fail(out.link().session, cause == FailureCause.OTHER ? FailureCause.PUBLISH_FAILED : cause, error);
    }

    private static void flush(Set<StatefulRedisConnection<String, byte[]>> written) {
        for (StatefulRedisConnection<String, byte[]> c : written) {
            try {
                c.flushCommands();
            } catch (RuntimeException e) {
                log.debug("flush failed; the PUBLISHes fail and the link is renewed", e);
            }
        }
        written.clear();
    }

    /** Once half the queue is free, asks for the POSITIONs of discarded streams. */
    private void requestCatchUps() {
        if (catchUps.isEmpty() || queue.size() > maxQueued / 2) {
            return;
        }
        for (RedisLink link; (link = catchUps.poll()) != null; ) {
            Set<String> streams = new HashSet<>();
            for (String s : Set.copyOf(link.pendingCatchUp)) {
                if (link.pendingCatchUp.remove(s)) {
                    streams.add(s);
                }
            }
            if (!streams.isEmpty() && !link.closed) {
                transport.catchUpNeeded(link, streams);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
