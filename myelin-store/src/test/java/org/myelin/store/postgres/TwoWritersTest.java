package org.myelin.store.postgres;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.protocol.RawJson;

/**
 * Two writer stores (two pools, as two processes would be), each appending from several threads to
 * one stream, while a reader follows the stream's safe position: no token is handed out twice,
 * every acknowledged row is stored once, and no row ever appears at or below a safe position a
 * reader was already told.
 */
class TwoWritersTest {
    private static final List<String> WRITERS = List.of("writer1", "writer2");
    private static final int THREADS_PER_WRITER = 3;
    private static final int APPENDS_PER_THREAD = 80;

    private TestPostgres db;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void createSchema() {
        db = TestPostgres.create();
    }

    @AfterEach
    void dropSchema() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        if (db != null) {
            db.close();
        }
    }

    /** A reader's sighting: at safe position {@code safe}, these rows were at or below it. */
    record Sighting(long safe, Map<String, List<StreamRow>> rows) {}

    @Test
    void safePositionNeverPassesARowNotYetCommittedAndNoTokenIsHandedOutTwice() throws Exception {
        List<PostgresStreamStore> stores = new ArrayList<>();
        try (PostgresStreamStore reader = PostgresStreamStore.openExisting(migrated())) {
            for (String ignored : WRITERS) {
                stores.add(PostgresStreamStore.open(db.options()));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Map<Long, List<RawJson>>>> appenders = new ArrayList<>();
            for (int w = 0; w < WRITERS.size(); w++) {
                for (int t = 0; t < THREADS_PER_WRITER; t++) {
                    PostgresStreamStore store = stores.get(w);
                    String instance = WRITERS.get(w);
                    long seed = w * 100L + t;
                    appenders.add(pool.submit(() -> appendMany(store, instance, seed, start)));
                }
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            Future<List<Sighting>> sightings = pool.submit(() -> follow(reader, writing));
            start.countDown();

            Map<Long, List<RawJson>> acknowledged = new HashMap<>();
            for (Future<Map<Long, List<RawJson>>> f : appenders) {
                for (var e : f.get(120, TimeUnit.SECONDS).entrySet()) {
                    assertThat(acknowledged.put(e.getKey(), e.getValue())).as("token %d handed out twice", e.getKey())
                            .isNull();
                }
            }
            writing.set(false);
            List<Sighting> seen = sightings.get(120, TimeUnit.SECONDS);
            assertThat(seen).isNotEmpty();

            // Every acknowledged row is stored once, under its token, in its writer's rows.
            Map<String, List<StreamRow>> all = readUpTo(reader, Long.MAX_VALUE);
            Map<Long, List<RawJson>> stored = new HashMap<>();
            all.values().forEach(rows -> rows.forEach(
                    r -> stored.computeIfAbsent(r.token(), k -> new ArrayList<>()).add(r.row())));
            assertThat(stored).isEqualTo(acknowledged);
            // Once every writer is done, the safe position is the last token.
            long last = acknowledged.keySet().stream().max(Long::compare).orElseThrow();
            assertThat(reader.safePosition("events")).isEqualTo(
                    WRITERS.stream().mapToLong(w -> reader.currentToken("events", w)).min().orElseThrow());
            assertThat(WRITERS.stream().mapToLong(w -> reader.currentToken("events", w)).max().orElseThrow())
                    .isEqualTo(last);
            // What a reader saw at or below a safe position is all there ever is there.
            for (Sighting s : seen) {
                Map<String, List<StreamRow>> now = new HashMap<>();
                all.forEach((w, rows) -> now.put(w, rows.stream().filter(r -> r.token() <= s.safe()).toList()));
                assertThat(now).as("rows at or below safe position %d", s.safe()).isEqualTo(s.rows());
            }
        } finally {
            stores.forEach(PostgresStreamStore::close);
        }
    }

    private PostgresStoreOptions migrated() {
        PostgresStreamStore.open(db.options()).close();
        return db.options();
    }

    private static Map<Long, List<RawJson>> appendMany(PostgresStreamStore store, String instance, long seed,
            CountDownLatch start) throws InterruptedException {
        Random random = new Random(seed);
        Map<Long, List<RawJson>> byToken = new HashMap<>();
        start.await();
        long previous = 0;
        for (int i = 0; i < APPENDS_PER_THREAD; i++) {
            int size = 1 + random.nextInt(3);
            boolean sameToken = random.nextBoolean();
            List<RawJson> rows = new ArrayList<>();
            for (int k = 0; k < size; k++) {
                rows.add(RawJson.of("[\"" + instance + "\"," + seed + "," + i + "," + k + "]"));
            }
            List<Long> tokens = store.append("events", instance, rows, sameToken);
            assertThat(tokens.get(0)).as("a thread's tokens grow").isGreaterThan(previous);
            previous = tokens.get(tokens.size() - 1);
            for (int k = 0; k < size; k++) {
                byToken.computeIfAbsent(tokens.get(k), x -> new ArrayList<>()).add(rows.get(k));
            }
        }
        return byToken;
    }

    private static List<Sighting> follow(PostgresStreamStore reader, AtomicBoolean writing) {
        List<Sighting> sightings = new ArrayList<>();
        long previous = 0;
        boolean last = false;
        while (!last) {
            last = !writing.get();
            long safe = reader.safePosition("events");
            assertThat(safe).as("the safe position never goes back").isGreaterThanOrEqualTo(previous);
            previous = safe;
            sightings.add(new Sighting(safe, readUpTo(reader, safe)));
        }
        return sightings;
    }

    private static Map<String, List<StreamRow>> readUpTo(PostgresStreamStore reader, long upto) {
        Map<String, List<StreamRow>> rows = new HashMap<>();
        for (String w : WRITERS) {
            List<StreamRow> got = new ArrayList<>();
            long cursor = 0;
            while (true) {
                var page = reader.getUpdates("events", w, cursor, upto, 50);
                got.addAll(page.rows());
                if (!page.limited()) {
                    break;
                }
                cursor = page.uptoToken();
            }
            Set<Long> unique = new HashSet<>();
            got.forEach(r -> unique.add(r.token()));
            rows.put(w, got);
        }
        return rows;
    }
}
