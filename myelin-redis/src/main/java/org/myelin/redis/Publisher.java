package org.myelin.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes commands pipelined, in the order they were offered, without a thread hand-off when it can.
 *
 * <p>While nothing waits and fewer than {@code maxInFlight} PUBLISHes are unanswered, {@link #offer}
 * writes the PUBLISH at once on the caller's thread (the streamer's), into Lettuce's buffer: nothing
 * goes on the wire until {@link #flush}, which the streamer calls once per burst, so a burst of rows
 * costs one write to the socket and no wake-up of another thread. Once PUBLISHes wait for answers
 * beyond the bound, commands queue (bounded) behind them, and this class's thread publishes them as
 * answers free room; while anything is queued every later command queues too, so nothing overtakes.
 *
 * <p>Answers are counted per flushed batch, not per command: one listener on the batch's last PUBLISH
 * (Redis answers in order on a connection) settles the whole batch. A failed PUBLISH renews the
 * session; its stream is covered by the POSITIONs of the next link.
 */
final class Publisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Publisher.class);

    private final RedisTransport transport;
    private final int maxQueued;
    /**
     * PUBLISHes written before they are put on the wire even if the burst goes on: a long burst (a
     * writer far ahead) is pipelined in slices instead of waiting for its end.
     */
    private final int flushEvery;
    private final Semaphore inFlight;
    private final long timeoutNanos;
    private final ConcurrentLinkedQueue<RedisLink> catchUps = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    /** Guards the queue, the open batch and every write to a Lettuce connection (so order holds). */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queuedMore = lock.newCondition();
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    /** PUBLISHes written since the last flush, on {@link #batchConnection} only. */
    private Batch batch = new Batch();
    private StatefulRedisConnection<String, byte[]> batchConnection;
    private volatile int queuedCount;
    private volatile boolean closed;

    Publisher(RedisTransport transport, RedisSettings settings) {
        this.transport = transport;
        this.maxQueued = settings.maxQueuedPublishes();
        this.flushEvery = settings.publishBatch();
        this.inFlight = new Semaphore(settings.maxInFlight());
        this.timeoutNanos = settings.commandTimeout().toNanos();
        this.thread = new Thread(this::loop, "redis-publisher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Publishes a command (written at once, or queued behind earlier ones); it reaches the wire at the
     * next {@link #flush}. False when the queue is full.
     */
    boolean offer(Outgoing out) {
        if (closed) {
            return false;
        }
        lock.lock();
        try {
            if (queue.isEmpty() && inFlight.tryAcquire()) {
                write(out);
                return true;
            }
            if (queue.size() >= maxQueued) {
                return false;
            }
            queue.addLast(out);
            queuedCount = queue.size();
            if (queue.size() == 1) {
                queuedMore.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Puts what was written on the wire: the end of a burst. */
    void flush() {
        lock.lock();
        try {
            closeBatch();
        } finally {
            lock.unlock();
        }
    }

    /** The link discarded stream commands: ask for its POSITIONs once the queue has room again. */
    void needsCatchUp(RedisLink link) {
        catchUps.add(link);
        lock.lock();
        try {
            queuedMore.signal();
        } finally {
            lock.unlock();
        }
    }

    int queued() {
        return queuedCount;
    }

    /**
     * Checks that the publishing connection still answers: a PING behind every PUBLISH written so far,
     * failing the session when it is not answered within the command timeout.
     */
    void ping(Session session) {
        StatefulRedisConnection<String, byte[]> connection = session.publisher;
        if (connection == null) {
            return;
        }
        lock.lock();
        try {
            closeBatch();
            connection.async().ping().toCompletableFuture()
                    .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((pong, error) -> {
                        if (error != null) {
                            FailureCause cause = FailureCause.of(error);
                            transport.fail(session, cause == FailureCause.OTHER ? FailureCause.TIMEOUT : cause, error);
                        }
                    });
            connection.flushCommands();
        } catch (RuntimeException e) {
            transport.fail(session, FailureCause.of(e), e);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ under the lock

    /** Writes one PUBLISH (its in-flight permit taken) into Lettuce's buffer, or discards it. */
    private void write(Outgoing out) {
        RedisLink link = out.link();
        StatefulRedisConnection<String, byte[]> connection = link.session.publisher;
        if (link.closed || connection == null) {
            inFlight.release();
            transport.discarded(out.command(), out.stream(), "link closed");
            return;
        }
        if (connection != batchConnection) {
            closeBatch();
            batchConnection = connection;
        }
        RedisFuture<Long> future;
        try {
            future = connection.async().publish(out.channel(), out.payload());
        } catch (RuntimeException e) {
            inFlight.release();
            failed(out, e);
            return;
        }
        batch.add(out, future);
        if (batch.size() >= flushEvery) {
            closeBatch();
        }
    }

    /** Flushes the open batch's connection and settles the batch when its last PUBLISH is answered. */
    private void closeBatch() {
        Batch closing = batch;
        StatefulRedisConnection<String, byte[]> connection = batchConnection;
        if (closing.size() == 0) {
            return;
        }
        batch = new Batch();
        try {
            connection.flushCommands();
        } catch (RuntimeException e) {
            log.debug("flush failed; the PUBLISHes fail and the link is renewed", e);
        }
        closing.last().whenComplete((n, error) -> settle(closing));
    }

    // ------------------------------------------------------------ on a Lettuce thread

    /** Counts a batch whose last PUBLISH was answered; any PUBLISH not done yet is settled on its own. */
    private void settle(Batch done) {
        int ok = 0;
        int released = 0;
        for (int i = 0; i < done.size(); i++) {
            RedisFuture<Long> f = done.futures.get(i);
            Outgoing out = done.commands.get(i);
            if (!f.isDone()) {
                f.whenComplete((n, error) -> settleOne(out, error));
                continue;
            }
            released++;
            if (f.toCompletableFuture().isCompletedExceptionally()) {
                failed(out, failure(f));
            } else {
                ok++;
                transport.metrics().bus.sent(out.command().type());
            }
        }
        inFlight.release(released);
        transport.metrics().published.add(ok);
    }

    private void settleOne(Outgoing out, Throwable error) {
        inFlight.release();
        if (error == null) {
            transport.metrics().published.increment();
            transport.metrics().bus.sent(out.command().type());
        } else {
            failed(out, error);
        }
    }

    private static Throwable failure(RedisFuture<Long> f) {
        try {
            f.toCompletableFuture().getNow(null);
            return new IllegalStateException("PUBLISH failed");
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
        }
    }

    private void failed(Outgoing out, Throwable error) {
        transport.metrics().publishFailures.increment();
        transport.discarded(out.command(), out.stream(), "PUBLISH failed: " + error.getMessage());
        FailureCause cause = FailureCause.of(error);
        transport.fail(out.link().session, cause == FailureCause.OTHER ? FailureCause.PUBLISH_FAILED : cause, error);
    }

    // ------------------------------------------------------------ the publisher thread

    /** Publishes what queued while PUBLISHes were unanswered beyond the bound, as answers free room. */
    private void loop() {
        while (!closed) {
            try {
                lock.lock();
                try {
                    if (queue.isEmpty()) {
                        queuedMore.await(200, TimeUnit.MILLISECONDS);
                    }
                    while (!queue.isEmpty() && inFlight.tryAcquire()) {
                        write(queue.pollFirst());
                    }
                    queuedCount = queue.size();
                    closeBatch(); // what waits for an answer must be on the wire
                } finally {
                    lock.unlock();
                }
                if (queuedCount > 0) {
                    awaitRoom(); // without the lock: offers queue meanwhile, behind what waits
                }
                requestCatchUps();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("publisher failed; going on", e);
            }
        }
    }

    /** Waits for one PUBLISH to be answered, then writes the head of the queue with that permit. */
    private void awaitRoom() throws InterruptedException {
        if (inFlight.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS)) {
            lock.lock();
            try {
                Outgoing head = queue.pollFirst();
                if (head == null) {
                    inFlight.release();
                } else {
                    write(head);
                }
                queuedCount = queue.size();
            } finally {
                lock.unlock();
            }
            return;
        }
        Outgoing head;
        lock.lock();
        try {
            head = queue.pollFirst();
            queuedCount = queue.size();
        } finally {
            lock.unlock();
        }
        if (head != null) {
            transport.discarded(head.command(), head.stream(), "Redis does not answer");
            transport.fail(head.link().session, FailureCause.TIMEOUT,
                    new TimeoutException("no PUBLISH answered for " + timeoutNanos / 1_000_000 + " ms"));
        }
    }

    /** Once half the queue is free, asks for the POSITIONs of discarded streams. */
    private void requestCatchUps() {
        if (catchUps.isEmpty() || queuedCount > maxQueued / 2) {
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

    /** PUBLISHes written together, with what each carried (to account for a failure). */
    private static final class Batch {
        final List<Outgoing> commands = new ArrayList<>();
        final List<RedisFuture<Long>> futures = new ArrayList<>();

        void add(Outgoing out, RedisFuture<Long> future) {
            commands.add(out);
            futures.add(future);
        }

        int size() {
            return commands.size();
        }

        RedisFuture<Long> last() {
            return futures.get(futures.size() - 1);
        }
    }
}
