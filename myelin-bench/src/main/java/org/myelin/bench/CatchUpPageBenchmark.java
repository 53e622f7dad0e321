package org.myelin.bench;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.http.catchup.HttpUpdateFunction;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.http.server.HttpServer;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;
import org.myelin.store.postgres.PostgresStoreOptions;
import org.myelin.store.postgres.PostgresStreamStore;
import org.myelin.store.postgres.PostgresUrls;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Catch-up page reads, one page per operation (rows/s = ops/s x {@code pageRows}), pages taken in
 * turn through a stream of {@value #ROWS} rows of about 150 bytes, each its own token:
 *
 * <ul>
 *   <li>{@code sqlitePage}: {@code SqliteStreamStore.getUpdates}, a worker's read of the writer's
 *       file (read-only store, as a worker opens it);
 *   <li>{@code postgresPage}: {@code PostgresStreamStore.getUpdates} on the PostgreSQL of
 *       {@code MYELIN_BENCH_PG_URL} (default 127.0.0.1:5432/test as postgres), in a schema created
 *       for the run and dropped after (the benchmark fails if that database is not reachable);
 *   <li>{@code httpPage}: {@code HttpUpdateFunction.getUpdates} against {@code StreamUpdatesHandler}
 *       on a loopback Netty server reading the SQLite store: request, render, transfer and parse;
 *   <li>{@code httpParse}: only the client's parse of one answer's bytes (rows kept as text),
 *       beside its baseline {@code httpParseTree}: the answer read into a Jackson tree and each row
 *       re-encoded from it, as the client did before.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CatchUpPageBenchmark {
    /** Rows in the benchmark's stream. */
    static final int ROWS = 200_000;
    private static final String STREAM = "events";
    private static final String INSTANCE = "master";
    private static final String SECRET = "bench";

    /** The rows: {@code ["$<n>:bench","!room:bench","m.room.message","@u:bench",null,null,null,0,"xx.."]}. */
    static List<RawJson> rows(int from, int n) {
        String pad = "x".repeat(60);
        List<RawJson> rows = new ArrayList<>(n);
        for (int i = from; i < from + n; i++) {
            rows.add(RawJson.of("[\"$" + i + ":bench\",\"!room:bench\",\"m.room.message\",\"@u:bench\",null,null,null,0,\""
                    + pad + "\"]"));
        }
        return rows;
    }

    static void fill(StreamStore store) {
        for (int i = 0; i < ROWS; i += 10_000) {
            store.append(STREAM, INSTANCE, rows(i, 10_000), false);
        }
    }

    /** Pages taken in turn, so that every read is of rows not read just before. */
    @State(Scope.Thread)
    public static class Pages {
        @Param({"100", "10000"})
        public int pageRows;
        long from;

        long next() {
            long f = from;
            from = from + pageRows >= ROWS ? 0 : from + pageRows;
            return f;
        }
    }

    /** A writer's SQLite store with the rows, opened read-only beside it as a worker does. */
    @State(Scope.Benchmark)
    public static class Sqlite {
        Path dir;
        SqliteStreamStore writer;
        SqliteStreamStore reader;

        @Setup(Level.Trial)
        public void open() throws IOException {
            dir = Files.createTempDirectory("myelin-jmh-catchup-");
            writer = SqliteStreamStore.open(dir);
            fill(writer);
            reader = SqliteStreamStore.openExisting(dir);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            reader.close();
            writer.close();
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The rows in a fresh PostgreSQL schema, read through a store of its own. */
    @State(Scope.Benchmark)
    public static class Postgres {
        String jdbc;
        String schema;
        PostgresStreamStore writer;
        PostgresStreamStore reader;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            String url = System.getenv().getOrDefault("MYELIN_BENCH_PG_URL",
                    "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
            jdbc = PostgresUrls.toJdbc(url);
            schema = "myelin_jmh_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            execute("CREATE SCHEMA " + schema);
            PostgresStoreOptions options = PostgresStoreOptions.of(url).withSchema(schema);
            writer = PostgresStreamStore.open(options);
            fill(writer);
            execute("ANALYZE " + schema + ".stream_rows");
            reader = PostgresStreamStore.openExisting(options);
        }

        @TearDown(Level.Trial)
        public void close() throws SQLException {
            reader.close();
            writer.close();
            execute("DROP SCHEMA " + schema + " CASCADE");
        }

        private void execute(String sql) throws SQLException {
            try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
                s.execute(sql);
            }
        }
    }

    /** The catch-up endpoint on loopback over the SQLite store, and its client. */
    @State(Scope.Benchmark)
    public static class Http {
        HttpServer server;
        HttpUpdateFunction client;
        /** One answer of 10,000 rows, for the parse-only benchmarks. */
        byte[] answer;

        @Setup(Level.Trial)
        public void open(Sqlite store) throws Exception {
            server = HttpServer.builder().get(StreamUpdatesHandler.ROUTE, new StreamUpdatesHandler(
                    name -> Optional.of(store.reader.updateFunction(name)), INSTANCE, SECRET)).bind("127.0.0.1", 0);
            client = new HttpUpdateFunction(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:" + server.port()),
                    STREAM, SECRET, Duration.ofSeconds(30));
            UpdateBatch page = store.reader.getUpdates(STREAM, INSTANCE, 0, 10_000, 10_000);
            StringBuilder body = new StringBuilder("{\"updates\":[");
            for (StreamRow row : page.rows()) {
                body.append(row.token() == 1 ? "[" : ",[").append(row.token()).append(',').append(row.row().text())
                        .append(']');
            }
            answer = body.append("],\"upto_token\":10000,\"limited\":false}").toString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @TearDown(Level.Trial)
        public void close() {
            server.close();
        }
    }

    @Benchmark
    public void sqlitePage(Sqlite store, Pages pages, Blackhole bh) {
        long from = pages.next();
        consume(store.reader.getUpdates(STREAM, INSTANCE, from, from + pages.pageRows, pages.pageRows), bh);
    }

    @Benchmark
    public void postgresPage(Postgres store, Pages pages, Blackhole bh) {
        long from = pages.next();
        consume(store.reader.getUpdates(STREAM, INSTANCE, from, from + pages.pageRows, pages.pageRows), bh);
    }

    @Benchmark
    public void httpPage(Http http, Pages pages, Blackhole bh) throws Exception {
        long from = pages.next();
        consume(http.client.getUpdates(INSTANCE, from, from + pages.pageRows, pages.pageRows), bh);
    }

    /** 10,000 rows per operation. */
    @Benchmark
    public void httpParse(Http http, Blackhole bh) {
        consume(HttpUpdateFunction.parse(http.answer), bh);
    }

    /** Baseline of {@code httpParse}: the answer as a tree, each row re-encoded from it. 10,000 rows per operation. */
    @Benchmark
    public void httpParseTree(Http http, Blackhole bh) {
        JsonNode tree = Json.parse(new String(http.answer, java.nio.charset.StandardCharsets.UTF_8));
        List<StreamRow> rows = new ArrayList<>();
        for (JsonNode update : tree.get("updates")) {
            rows.add(new StreamRow(update.get(0).longValue(), RawJson.fromTree(update.get(1))));
        }
        bh.consume(rows);
        bh.consume(tree.get("upto_token").longValue());
    }

    private static void consume(UpdateBatch batch, Blackhole bh) {
        if (batch.rows().isEmpty()) {
            throw new IllegalStateException("an empty page: the benchmark reads past its rows");
        }
        for (StreamRow row : batch.rows()) {
            bh.consume(row.row());
        }
        bh.consume(batch.uptoToken());
    }
}
