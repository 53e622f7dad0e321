package org.myelin.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;

/**
 * Several threads appending to one stream of one writer while readers page through it, and two
 * writer stores (as two processes would be) appending at once; each database runs it in a subclass.
 */
public abstract class ConcurrencyContract {
    private static final int THREADS = 4;
    private static final int APPENDS_PER_THREAD = 60;

    /** Opens (again) a writer's store on this test's database. */
    protected abstract StreamStore openWriter();

    /** Opens a reader's store on this test's database. */
    protected abstract StreamStore openReader();

    /**
     * The instance name of the second writer store: the same as the first's where the database
     * serializes appends (SQLite's file lock), another where writers share a stream (PostgreSQL).
     */
    protected abstract String secondWriterInstance();

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** What one thread appended: the rows and the tokens it was given, call by call. */
    record Appended(List<List<RawJson>> calls, List<List<Long>> tokens) {}

    @Test
    void concurrentAppendsGetDistinctIncreasingTokensAndLoseNoRow() throws Exception {
        try (StreamStore store = openWriter();
                StreamStore worker = openReader()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Appended>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(pool.submit(() -> appendMany(store, "master", thread, start)));
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<Integer> reader = pool.submit(() -> readWhileWriting(worker, writing));
            start.countDown();

            List<Appended> results = new ArrayList<>();
            for (Future<Appended> f : writers) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            writing.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();

            Map<Long, List<RawJson>> byToken = new HashMap<>();
            for (Appended a : results) {
                long previous = 0;
                for (int c = 0; c < a.calls().size(); c++) {
                    List<Long> tokens = a.tokens().get(c);
                    assertThat(tokens.get(0)).as("tokens grow within a thread").isGreaterThan(previous);
                    previous = tokens.get(tokens.size() - 1);
                    for (int k = 0; k < tokens.size(); k++) {
                        byToken.computeIfAbsent(tokens.get(k), x -> new ArrayList<>()).add(a.calls().get(c).get(k));
                    }
                }
            }
            List<StreamRow> stored = worker.getUpdates("events", "master", 0, Long.MAX_VALUE, Integer.MAX_VALUE).rows();
            int total = results.stream().mapToInt(a -> a.calls().stream().mapToInt(List::size).sum()).sum();
            assertThat(stored).hasSize(total);
            Map<Long, List<RawJson>> storedByToken = new HashMap<>();
            stored.forEach(r -> storedByToken.computeIfAbsent(r.token(), x -> new ArrayList<>()).add(r.row()));
            // Each token was handed to exactly one call, and holds exactly that call's rows in order.
            assertThat(storedByToken).isEqualTo(byToken);
            assertThat(store.currentToken("events", "master")).isEqualTo(byToken.keySet().stream().max(Long::compare).orElseThrow());
        }
    }

    @Test
    void twoWriterStoresOnOneDatabaseNeverHandOutTheSameToken() throws Exception {
        // Stands in for two processes: separate connections, so only the database keeps them apart.
        String other = secondWriterInstance();
        try (StreamStore first = openWriter();
                StreamStore second = openWriter()) {
            CountDownLatch start = new CountDownLatch(1);
            Future<Appended> a = pool.submit(() -> appendMany(first, "master", 0, start));
            Future<Appended> b = pool.submit(() -> appendMany(second, other, 1, start));
            start.countDown();
            Set<Long> tokens = new HashSet<>();
            int calls = 0;
            for (Future<Appended> f : List.of(a, b)) {
                for (List<Long> call : f.get(60, TimeUnit.SECONDS).tokens()) {
                    tokens.addAll(call);
                    calls += new HashSet<>(call).size();
                }
            }
            assertThat(tokens).hasSize(calls);
            assertThat(Math.max(first.currentToken("events", "master"), first.currentToken("events", other)))
                    .isEqualTo(calls);
            // And every row is stored once, under the token its writer was given.
            int stored = first.getUpdates("events", "master", 0, Long.MAX_VALUE, Integer.MAX_VALUE).rows().size();
            if (!other.equals("master")) {
                stored += first.getUpdates("events", other, 0, Long.MAX_VALUE, Integer.MAX_VALUE).rows().size();
            }
            int written = 0;
            for (Future<Appended> f : List.of(a, b)) {
                written += f.get().calls().stream().mapToInt(List::size).sum();
            }
            assertThat(stored).isEqualTo(written);
        }
    }

    private static Appended appendMany(StreamStore store, String instance, int thread, CountDownLatch start) throws Exception {
        Random random = new Random(thread);
        List<List<RawJson>> calls = new ArrayList<>();
        List<List<Long>> tokens = new ArrayList<>();
        start.await();
        for (int i = 0; i < APPENDS_PER_THREAD; i++) {
            int size = 1 + random.nextInt(3);
            boolean sameToken = random.nextBoolean();
            List<RawJson> rows = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                // [thread, call, index, rows sharing the token] lets a reader check batches are whole.
                rows.add(RawJson.of("[" + thread + "," + i + "," + k + "," + (sameToken ? size : 1) + "]"));
            }
            calls.add(rows);
            tokens.add(store.append("events", instance, rows, sameToken));
        }
        return new Appended(calls, tokens);
    }

    /**
     * Pages through everything written so far, again and again until the writers are done (plus once
     * more), checking that no read ever sees part of a batch or a token going backwards.
     */
    private static int readWhileWriting(StreamStore worker, AtomicBoolean writing) {
        int reads = 0;
        boolean last = false;
        while (!last) {
            last = !writing.get();
            long upto = worker.currentToken("events", "master");
            long cursor = 0;
            long previousToken = 0;
            Set<Long> seen = new HashSet<>();
            while (true) {
                UpdateBatch page = worker.getUpdates("events", "master", cursor, upto, 7);
                Map<Long, Integer> counts = new HashMap<>();
                Map<Long, Integer> expected = new HashMap<>();
                for (StreamRow row : page.rows()) {
                    assertThat(row.token()).isGreaterThanOrEqualTo(previousToken);
                    previousToken = row.token();
                    counts.merge(row.token(), 1, Integer::sum);
                    expected.put(row.token(), row.row().tree().get(3).asInt());
                    assertThat(seen.add(row.token()) || counts.get(row.token()) > 1).isTrue();
                }
                assertThat(counts).isEqualTo(expected);
                reads++;
                if (!page.limited()) {
                    break;
                }
                cursor = page.uptoToken();
            }
        }
        return reads;
    }
}
