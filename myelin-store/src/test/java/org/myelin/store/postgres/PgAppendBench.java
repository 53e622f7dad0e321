package org.myelin.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;
import org.myelin.store.sqlite.SqliteStreamStore;

/**
 * Not a test: the figures of BENCHMARKS.md. {@code append WRITERS THREADS SECONDS}: single-row
 * appends to one stream by WRITERS stores (two pools, as processes) of THREADS threads each;
 * {@code catchup ROWS}: fill a stream with ROWS rows in PostgreSQL and in SQLite, then page through
 * them as a worker's catch-up does (pages of 10,000), rows/s. Uses {@code MYELIN_TEST_PG_URL} or
 * the test database, in a schema of its own (dropped after).
 */
public final class PgAppendBench {
    private PgAppendBench() {}

    public static void main(String[] args) throws Exception {
        TestPostgres db = TestPostgres.create();
        try {
            if (args[0].equals("append")) {
                append(db, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            } else {
                catchUp(db, Integer.parseInt(args[1]));
            }
        } finally {
            db.close();
        }
    }

    private static void append(TestPostgres db, int writers, int threads, int seconds) throws Exception {
        PostgresStoreOptions options = new PostgresStoreOptions(TestPostgres.url(), db.schema(), threads + 2,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30));
        List<PostgresStreamStore> stores = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            stores.add(PostgresStreamStore.open(options));
        }
        AtomicLong appends = new AtomicLong();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch done = new CountDownLatch(writers * threads);
        RawJson row = RawJson.of("[\"$event:example.org\",\"!room:example.org\",\"m.room.message\",\"@u:example.org\",null,null,null,0,0]");
        for (int w = 0; w < writers; w++) {
            PostgresStreamStore store = stores.get(w);
            String instance = "writer" + (w + 1);
            for (int t = 0; t < threads; t++) {
                new Thread(() -> {
                    while (System.nanoTime() < end) {
                        store.append("events", instance, List.of(row), false);
                        appends.incrementAndGet();
                    }
                    done.countDown();
                }).start();
            }
        }
        done.await();
        System.out.printf("append: %d writer(s) x %d threads: %d appends in %d s = %.0f appends/s%n",
                writers, threads, appends.get(), seconds, appends.get() / (double) seconds);
        stores.forEach(PostgresStreamStore::close);
    }

    private static void catchUp(TestPostgres db, int rows) throws Exception {
        try (PostgresStreamStore pg = PostgresStreamStore.open(db.fastOptions())) {
            // Bulk-filled with SQL: the append path is measured above; this measures reading.
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO stream_rows (stream, instance, token, seq, row_json) SELECT 'events', 'master', g, 0,"
                        + " '[\"$event' || g || ':example.org\",\"!room:example.org\",\"m.room.message\",\"@u:example.org\",null,null,null,0,0]'"
                        + " FROM generate_series(1, " + rows + ") g");
                s.execute("INSERT INTO stream_positions VALUES ('events', 'master', " + rows + ")");
                s.execute("ANALYZE stream_rows");
            }
            read("PostgreSQL", pg, rows);
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("myelin-catchup-bench");
        try (SqliteStreamStore sqlite = SqliteStreamStore.open(dir)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite.file()); Statement s = c.createStatement()) {
                s.execute("WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < " + rows + ")"
                        + " INSERT INTO stream_rows (stream, instance, token, seq, row_json) SELECT 'events', 'master', n, 0,"
                        + " '[\"$event' || n || ':example.org\",\"!room:example.org\",\"m.room.message\",\"@u:example.org\",null,null,null,0,0]' FROM g");
                s.execute("INSERT INTO stream_positions VALUES ('events', 'master', " + rows + ")");
            }
            read("SQLite", sqlite, rows);
        }
    }

    private static void read(String what, StreamStore store, int rows) {
        for (int run = 0; run < 2; run++) {
            long start = System.nanoTime();
            long cursor = 0;
            long got = 0;
            while (true) {
                UpdateBatch page = store.getUpdates("events", "master", cursor, rows, 10_000);
                got += page.rows().size();
                if (!page.limited()) {
                    break;
                }
                cursor = page.uptoToken();
            }
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("catch-up from %s (run %d): %d rows in %.2f s = %.0f rows/s%n", what, run + 1, got, s, got / s);
        }
    }
}
