package org.myelin.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;
import org.myelin.store.sqlite.SqliteStreamStore;

/**
 * The baseline without replication: each reader opens the writer's SQLite file read-only, as a
 * worker process on the same machine could, and every {@value #POLL_MILLIS} ms reads the persisted
 * position and then any rows after the last one it saw, in pages of {@value #PAGE} rows (the
 * engine's own catch-up page).
 */
final class PollingReaders implements Readers {
    static final long POLL_MILLIS = 10;
    static final int PAGE = 100;

    private final String stream;
    private final List<StreamStore> stores = new ArrayList<>();
    private final List<DeliveryRecorder> recorders = new ArrayList<>();
    private final ScheduledExecutorService pollers;
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    PollingReaders(Path mainData, BenchOptions options, CountDownLatch allReceived) {
        this.stream = options.stream();
        // one thread per reader, as separate worker processes would each have their own
        this.pollers = Executors.newScheduledThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "bench-poller");
            t.setDaemon(true);
            return t;
        });
        try {
            for (int i = 1; i <= options.workers(); i++) {
                DeliveryRecorder recorder = new DeliveryRecorder("bench-poller-" + i, stream, options.rows(),
                        allReceived);
                StreamStore store = SqliteStreamStore.openExisting(mainData);
                stores.add(store);
                recorders.add(recorder);
                long[] seen = {0};
                pollers.scheduleWithFixedDelay(() -> poll(store, recorder, seen), 0, POLL_MILLIS,
                        TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void poll(StreamStore store, DeliveryRecorder recorder, long[] seen) {
        try {
            long upto = store.currentToken(stream, BenchRunner.MAIN_INSTANCE);
            boolean found = false;
            while (seen[0] < upto) {
                UpdateBatch batch = store.getUpdates(stream, BenchRunner.MAIN_INSTANCE, seen[0], upto, PAGE);
                found |= !batch.rows().isEmpty();
                deliver(recorder, batch.rows());
                seen[0] = batch.limited() ? batch.uptoToken() : upto;
            }
            if (found) {
                fetches.incrementAndGet();
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is silently cancelled: keep the cause for the report
            failure.compareAndSet(null, e);
            throw e;
        }
    }

    /** Hands rows to the recorder one token at a time, as the engine does. */
    private void deliver(DeliveryRecorder recorder, List<StreamRow> rows) {
        int i = 0;
        while (i < rows.size()) {
            long token = rows.get(i).token();
            List<RawJson> group = new ArrayList<>();
            while (i < rows.size() && rows.get(i).token() == token) {
                group.add(rows.get(i++).row());
            }
            recorder.onRows(stream, BenchRunner.MAIN_INSTANCE, token, group);
        }
    }

    @Override
    public List<DeliveryRecorder> recorders() {
        return recorders;
    }

    @Override
    public void awaitReady(Duration timeout) {
        // a poller is reading from its first tick; a failure there is reported after the run
    }

    @Override
    public long storeFetches() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new BenchFailure("a poller failed: " + e);
        }
        return fetches.get();
    }

    @Override
    public void close() {
        pollers.shutdownNow();
        try {
            pollers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stores.forEach(StreamStore::close);
    }
}
