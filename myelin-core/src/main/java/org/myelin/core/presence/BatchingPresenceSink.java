package org.myelin.core.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Publishes presence changes in batches from one thread: whatever queued up while the previous
 * append ran goes out in the next one (group commit). A durable store commits once per batch, not
 * once per row, so a burst of users (a restarted main rebuilding its table, an instance cleared)
 * costs a few transactions; order is kept (one queue, one appender). The queue is bounded: when it
 * is full, {@link #publish} waits, which slows the commands that cause changes instead of growing
 * memory. A failed append is logged with the number of rows lost, and the next batch goes on.
 */
public final class BatchingPresenceSink implements PresenceSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchingPresenceSink.class);

    private final BlockingQueue<PresenceRow> queue;
    private final int maxBatch;
    private final Consumer<List<PresenceRow>> append;
    private final Thread thread;
    private volatile boolean closing;
    private volatile long batches;
    private volatile long failedRows;

    /**
     * Starts the appending thread.
     *
     * @param name the thread's and the logging context's name
     * @param maxQueued rows waiting at most
     * @param maxBatch rows per append at most
     * @param append appends one batch, in order (each row its own token)
     */
    public BatchingPresenceSink(String name, int maxQueued, int maxBatch, Consumer<List<PresenceRow>> append) {
        if (maxQueued < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("queue and batch sizes must be positive");
        }
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.maxBatch = maxBatch;
        this.append = append;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues one change; waits while the queue is full. */
    @Override
    public void publish(PresenceRow row) {
        if (closing) {
            throw new IllegalStateException("presence sink is closed; dropping " + row.userId() + " " + row.state());
        }
        try {
            queue.put(row);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a presence change", e);
        }
    }

    /** Appends made so far. */
    public long batches() {
        return batches;
    }

    /** Rows lost to failed appends. */
    public long failedRows() {
        return failedRows;
    }

    private void run() {
        MDC.put("task", thread.getName());
        List<PresenceRow> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                PresenceRow first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                append.accept(List.copyOf(batch));
                batches++;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failedRows += batch.size();
                log.error("could not publish {} presence changes; workers will not see them", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    /** Stops taking changes, publishes those queued, and waits (at most {@code wait}) for the thread. */
    public void close(Duration wait) {
        closing = true;
        try {
            thread.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("presence publisher did not finish within {} ms; {} changes unpublished", wait.toMillis(),
                    queue.size());
            thread.interrupt();
        }
    }

    /** {@link #close(Duration)} with 10 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
