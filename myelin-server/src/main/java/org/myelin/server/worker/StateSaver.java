package org.myelin.server.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a worker's printed positions and saves them to its {@link StateFile}: at most every
 * {@code interval} while they change, and once more on {@link #close()}. Only positions reported
 * through {@link #printed} (after their rows were flushed) are ever saved, so the file never claims
 * a row that was not written.
 */
final class StateSaver implements RowPrinter.Printed, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateSaver.class);

    private final StateFile file;
    private final Map<String, Map<String, Long>> positions = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final CompletableFuture<Void> failed = new CompletableFuture<>();
    private long saved;

    /** @param initial the positions loaded at start (kept for streams not seen in this run) */
    StateSaver(StateFile file, Map<String, Map<String, Long>> initial, Duration interval) {
        this.file = file;
        initial.forEach((stream, perInstance) -> positions.put(stream, new ConcurrentHashMap<>(perInstance)));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-state");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::saveIfChanged, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void printed(String stream, String instance, long token) {
        positions.computeIfAbsent(stream, s -> new ConcurrentHashMap<>()).put(instance, token);
        changes.incrementAndGet();
    }

    /** Completes exceptionally when a save failed: the worker must stop, its restart point is stale. */
    CompletionStage<Void> failure() {
        return failed;
    }

    private synchronized void saveIfChanged() {
        long now = changes.get();
        if (now == saved || failed.isDone()) {
            return;
        }
        Map<String, Map<String, Long>> snapshot = new TreeMap<>();
        positions.forEach((stream, perInstance) -> snapshot.put(stream, new TreeMap<>(perInstance)));
        try {
            file.save(snapshot);
            saved = now;
        } catch (IOException | RuntimeException e) {
            log.error("cannot save worker state to {}: {}", file.path(), e.toString());
            failed.completeExceptionally(e);
        }
    }

    /** Stops the timer and saves what was printed since the last save. */
    @Override
    public void close() {
        timer.shutdown(); // not shutdownNow: interrupting a save in progress would fail it
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        saveIfChanged();
        if (!failed.isDone()) {
            log.info("worker state saved to {}", file.path());
        }
    }
}
