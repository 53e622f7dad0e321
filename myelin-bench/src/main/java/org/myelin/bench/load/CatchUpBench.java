package org.myelin.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.myelin.node.Myelin;
import org.myelin.node.MyelinNode;
import org.myelin.node.NodeBuilder;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;
import org.myelin.store.postgres.PostgresStoreOptions;
import org.myelin.store.postgres.PostgresStreamStore;
import org.myelin.store.postgres.PostgresUrls;

/**
 * The catch-up benchmark: a writer (built with the {@link Myelin} facade, storing in SQLite or
 * PostgreSQL, serving TCP and, for {@code http}, the catch-up endpoint) is filled with
 * {@code behind} rows; then, run after run, the same-run baseline reads those rows plainly, and a
 * fresh worker starts from token 0 and catches up from the source while the writer keeps appending
 * live rows, until it is following live (it has handled every row acknowledged so far). The worker
 * then follows live for a while and every row it got is checked: once each, in order.
 */
final class CatchUpBench implements AutoCloseable {
    static final String STREAM = "events";
    static final String INSTANCE = "master";
    private static final String SERVER_NAME = "bench.local";
    private static final int FILL_BATCH = 10_000;
    /** How long the worker follows live before the run ends and its rows are checked. */
    private static final Duration FOLLOW_LIVE = Duration.ofSeconds(1);

    private final CatchUpOptions options;
    private final RowFormat format;
    private final String secret = "bench-" + UUID.randomUUID();
    private final Path dir;
    private final String pgJdbc;
    private final String pgSchema;
    private final StreamStore pgStore;
    private final MyelinNode main;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Rows whose append returned: rows 0 .. written-1 are in the store. */
    private final AtomicLong written = new AtomicLong();
    private int workers;

    /** Creates the store and the writer; {@link #fill} then adds the rows. */
    CatchUpBench(CatchUpOptions options) {
        this.options = options;
        this.format = new RowFormat(options.rowBytes());
        try {
            Files.createDirectories(options.tempParent());
            dir = Files.createTempDirectory(options.tempParent(), "myelin-catchup-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create a temporary directory in " + options.tempParent() + ": " + e);
        }
        NodeBuilder writer = Myelin.writer(INSTANCE).serverName(SERVER_NAME).listenTcp("127.0.0.1", 0);
        StreamStore store = null;
        String schema = null;
        String jdbc = null;
        try {
            if (options.source() == CatchUpSource.POSTGRES) {
                jdbc = PostgresUrls.toJdbc(options.databaseUrl());
                schema = "myelin_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
                execute(jdbc, "CREATE SCHEMA " + schema);
                store = PostgresStreamStore.open(PostgresStoreOptions.of(options.databaseUrl()).withSchema(schema));
                writer.writeTo(store);
            } else {
                writer.writeTo(dir);
            }
            if (options.source() == CatchUpSource.HTTP) {
                writer.listenHttp("127.0.0.1", 0, secret);
            }
            this.main = writer.start();
        } catch (RuntimeException | SQLException e) {
            if (store != null) {
                store.close();
            }
            dropSchema(jdbc, schema);
            deleteRecursively(dir);
            throw e instanceof RuntimeException r ? r : new BenchFailure("cannot set up PostgreSQL: " + e);
        }
        this.pgStore = store;
        this.pgSchema = schema;
        this.pgJdbc = jdbc;
    }

    /** Appends rows until {@code behind} are stored, {@value #FILL_BATCH} per append, each its own token. */
    void fill(Consumer<String> progress) {
        long start = System.nanoTime();
        while (written.get() < options.behind()) {
            appendRows((int) Math.min(FILL_BATCH, options.behind() - written.get()));
            if (written.get() % 200_000 == 0) {
                progress.accept(String.format("filled %,d rows", written.get()));
            }
        }
        progress.accept(String.format("filled %,d rows in %.1f s", written.get(), (System.nanoTime() - start) / 1e9));
    }

    private void appendRows(int n) {
        long first = written.get();
        List<RawJson> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(RawJson.of(format.row(first + i, 0)));
        }
        main.append(STREAM, rows, false);
        written.addAndGet(n);
    }

    /** Runs the baseline, then one worker's catch-up. */
    CatchUpResult run() {
        CatchUpBaseline.Rate baseline = baseline();
        long behind = written.get();
        AtomicBoolean stopLive = new AtomicBoolean();
        CompletableFuture<Void> live = CompletableFuture.runAsync(() -> writeLive(stopLive));
        CatchUpCheck check = new CatchUpCheck(STREAM, written::get);
        long start = System.nanoTime();
        AtomicLong established = new AtomicLong();
        PostgresStreamStore readerStore = null;
        MyelinNode worker = null;
        try {
            NodeBuilder builder = Myelin.worker("catchup-" + (++workers)).serverName(SERVER_NAME)
                    .tcp("127.0.0.1", main.tcpPort()).follow(STREAM).resumeFrom(0).onRows(check);
            if (options.pageRows() > 0) {
                builder.engine(b -> b.catchUpPageRows(options.pageRows()));
            }
            switch (options.source()) {
                case SQLITE -> builder.catchUpFrom(dir);
                case POSTGRES -> {
                    // the worker's own pool, as a worker process on another machine would have
                    readerStore = PostgresStreamStore.openExisting(PostgresStoreOptions.of(options.databaseUrl())
                            .withSchema(pgSchema));
                    builder.catchUpFrom(readerStore);
                }
                case HTTP -> builder.catchUpOverHttp(URI.create("http://127.0.0.1:" + main.httpPort()), secret);
            }
            worker = builder.start();
            worker.established().thenRun(() -> established.set(System.nanoTime()));
            CatchUpCheck.Live following = await(check.followingLive(), "follow live");
            long liveAt = following.nanos();
            long rowsAtLive = following.rows();
            await(CompletableFuture.runAsync(() -> parkFor(FOLLOW_LIVE)), "follow live");
            stopLive.set(true);
            await(live, "write live rows");
            long total = written.get();
            await(check.rowsReceived(total), "receive the last live row");
            check.verify(total);
            return new CatchUpResult(behind, rowsAtLive, (liveAt - start) / 1e9,
                    established.get() == 0 ? Double.NaN : (established.get() - start) / 1e9, total - rowsAtLive,
                    baseline.rowsPerSecond(), baseline.rows());
        } finally {
            stopLive.set(true);
            live.join();
            if (worker != null) {
                worker.close();
            }
            if (readerStore != null) {
                readerStore.close();
            }
        }
    }

    private CatchUpBaseline.Rate baseline() {
        try {
            return switch (options.source()) {
                case SQLITE -> CatchUpBaseline.sqlite(dir.resolve("myelin.db"), STREAM, INSTANCE);
                case POSTGRES -> CatchUpBaseline.postgres(pgJdbc, pgSchema, STREAM, INSTANCE);
                case HTTP -> CatchUpBaseline.http(http, URI.create("http://127.0.0.1:" + main.httpPort()), secret,
                        STREAM, written.get(), options.pageRows() > 0 ? options.pageRows()
                                : org.myelin.core.ReplicationEngine.DEFAULT_CATCH_UP_PAGE_ROWS);
            };
        } catch (SQLException | IOException e) {
            throw new BenchFailure("the baseline read failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        }
    }

    /** Appends at {@code liveRate} rows/s, in small appends every 5 ms or so, until told to stop. */
    private void writeLive(AtomicBoolean stop) {
        if (options.liveRate() == 0) {
            return;
        }
        int perAppend = Math.max(1, options.liveRate() / 200);
        Pacer pacer = new Pacer(options.liveRate(), System.nanoTime());
        long sent = 0;
        while (!stop.get()) {
            pacer.awaitTurn(sent);
            appendRows(perAppend);
            sent += perAppend;
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BenchFailure("the catch-up worker did not " + what + " within " + options.timeout().toSeconds()
                    + " s (see the log on stderr)");
        } catch (ExecutionException e) {
            throw new BenchFailure("the catch-up worker could not " + what + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        }
    }

    private static void parkFor(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Rows in the store now. */
    long rows() {
        return written.get();
    }

    @Override
    public void close() {
        try {
            main.close();
        } finally {
            if (pgStore != null) {
                pgStore.close();
            }
            dropSchema(pgJdbc, pgSchema);
            deleteRecursively(dir);
        }
    }

    private static void execute(String jdbc, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void dropSchema(String jdbc, String schema) {
        if (schema == null) {
            return;
        }
        try {
            execute(jdbc, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            System.err.println("myelin bench catchup: cannot drop schema " + schema + ": " + e.getMessage());
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("myelin bench catchup: cannot delete " + dir + ": " + e);
        }
    }
}
