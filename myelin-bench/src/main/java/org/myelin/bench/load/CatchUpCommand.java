package org.myelin.bench.load;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;

/** {@code myelin bench catchup}: how fast a worker far behind catches up, against a plain read of the same rows. */
@CommandLine.Command(
        name = "catchup",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure how fast a worker far behind catches up while live rows keep flowing.",
            "",
            "In one JVM: a writer (the embedding facade's, storing in SQLite in a temporary directory, or in "
                + "a fresh schema of the PostgreSQL --database) is filled with --behind rows (events, each its "
                + "own token). Then each run: the baseline reads the same rows plainly (sqlite, postgres: one "
                + "JDBC SELECT of every row; http: raw GETs of the same pages from the writer's catch-up endpoint, "
                + "bodies not parsed); then a fresh worker connects over loopback TCP from token 0 and catches up "
                + "from the --source while the writer appends --live-rate rows/s, until it is following live "
                + "(it has handled every row acknowledged so far). It then follows live for a second, the writer "
                + "stops, and every row is checked: once each, in order.",
            "",
            "Reported per run and as medians: rows/s of the catch-up (rows handled when following live / "
                + "seconds from the worker's start), the baseline's rows/s and the ratio. Runs after the first "
                + "start further behind by the live rows of the runs before.",
            "",
            "Exit status: 0 when every run passed its checks, 1 when one failed, 2 for bad options.",
            ""
        })
public final class CatchUpCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--source", defaultValue = "sqlite", paramLabel = "sqlite|postgres|http",
            description = "Where the worker catches up from: the writer's SQLite file, its PostgreSQL schema, "
                    + "or its HTTP catch-up endpoint (the writer storing in SQLite). Default: ${DEFAULT-VALUE}.")
    String source;

    @CommandLine.Option(names = "--behind", defaultValue = "1000000", paramLabel = "ROWS",
            description = "Rows in the store before the first worker starts. Default: ${DEFAULT-VALUE}.")
    int behind;

    @CommandLine.Option(names = "--live-rate", defaultValue = "1000", paramLabel = "ROWS_PER_SEC",
            description = "Rows per second appended while the worker catches up (0: none). Default: ${DEFAULT-VALUE}.")
    int liveRate;

    @CommandLine.Option(names = "--row-bytes", defaultValue = "150", paramLabel = "N",
            description = "Approximate size of each row's JSON. Default: ${DEFAULT-VALUE}.")
    int rowBytes;

    @CommandLine.Option(names = "--page-rows", defaultValue = "0", paramLabel = "N",
            description = "Rows the worker asks for per catch-up read (0: the engine's default, 10000).")
    int pageRows;

    @CommandLine.Option(names = "--runs", defaultValue = "3", paramLabel = "N",
            description = "Measured runs; medians are reported. Default: ${DEFAULT-VALUE}.")
    int runs;

    @CommandLine.Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unreported runs first (the same JVM: the JIT compiles the paths). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @CommandLine.Option(names = "--database", paramLabel = "URL",
            defaultValue = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
            description = "PostgreSQL for --source postgres (jdbc:postgresql://... or postgresql://...); a schema "
                    + "myelin_bench_* is created in it and dropped after. Default: ${DEFAULT-VALUE}.")
    String database;

    @CommandLine.Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "How long a worker may take to catch up, and then to get the last live row. "
                    + "Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @CommandLine.Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where the SQLite data directory goes (deleted after). Default: java.io.tmpdir.")
    Path tempDir;

    @CommandLine.Option(names = "--json", description = "Print one JSON document (every run, medians).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CatchUpOptions options;
        try {
            CatchUpSource from;
            try {
                from = CatchUpSource.valueOf(source.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--source must be sqlite, postgres or http, not " + source);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be 0 or more, not " + warmup);
            }
            options = new CatchUpOptions(from, behind, liveRate, rowBytes, pageRows, runs,
                    Duration.ofSeconds(timeoutSeconds),
                    tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir")), database);
        } catch (IllegalArgumentException e) {
            err.println("myelin bench catchup: " + e.getMessage());
            err.println("Run 'myelin bench catchup --help' for the options.");
            return 2;
        }
        List<CatchUpResult> results = new ArrayList<>();
        try (CatchUpBench bench = new CatchUpBench(options)) {
            bench.fill(line -> err.println("myelin bench catchup: " + line));
            for (int i = 1; i <= warmup + runs; i++) {
                CatchUpResult r = bench.run();
                boolean measured = i > warmup;
                err.printf(Locale.ROOT, "myelin bench catchup: %s %d: %,d rows behind, %,d rows in %.2f s = %,.0f rows/s"
                        + " (baseline %,.0f rows/s, ratio %.2f)%n", measured ? "run" : "warm-up",
                        measured ? i - warmup : i, r.behindRows(), r.caughtUpRows(), r.seconds(), r.rowsPerSecond(),
                        r.baselineRowsPerSecond(), r.ratio());
                if (measured) {
                    results.add(r);
                }
            }
        } catch (BenchFailure e) {
            err.println("myelin bench catchup: FAILED: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("myelin bench catchup: FAILED: " + e);
            return 1;
        }
        if (json) {
            printJson(out, options, results);
        } else {
            printText(out, options, results);
        }
        out.flush();
        return 0;
    }

    static double median(List<CatchUpResult> results, ToDoubleFunction<CatchUpResult> figure) {
        double[] values = results.stream().mapToDouble(figure).sorted().toArray();
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static String baselineName(CatchUpSource source) {
        return source == CatchUpSource.HTTP ? "raw HTTP GET of the same pages" : "plain JDBC SELECT of the same rows";
    }

    private static void printText(PrintWriter out, CatchUpOptions o, List<CatchUpResult> results) {
        out.printf(Locale.ROOT, "catch-up from %s: %,d rows behind, live %,d rows/s, %d-byte rows, page %s rows%n",
                o.source().label(), o.behind(), o.liveRate(), o.rowBytes(),
                o.pageRows() == 0 ? "10000 (default)" : Integer.toString(o.pageRows()));
        out.println("| run | rows behind | rows to following live | seconds | rows/s | established s | baseline rows/s "
                + "| ratio | live rows after |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int i = 1;
        for (CatchUpResult r : results) {
            out.printf(Locale.ROOT, "| %d | %,d | %,d | %.2f | %,.0f | %.2f | %,.0f | %.2f | %,d |%n", i++, r.behindRows(),
                    r.caughtUpRows(), r.seconds(), r.rowsPerSecond(), r.establishedSeconds(), r.baselineRowsPerSecond(),
                    r.ratio(), r.liveRowsAfter());
        }
        out.printf(Locale.ROOT, "median: %,.0f rows/s; baseline (%s) %,.0f rows/s; ratio %.2f (median of the runs' "
                + "ratios); every row once, in order, in every run%n", median(results, CatchUpResult::rowsPerSecond),
                baselineName(o.source()), median(results, CatchUpResult::baselineRowsPerSecond),
                median(results, CatchUpResult::ratio));
    }

    private static void printJson(PrintWriter out, CatchUpOptions o, List<CatchUpResult> results) {
        StringBuilder runs = new StringBuilder();
        for (CatchUpResult r : results) {
            runs.append(runs.length() == 0 ? "" : ",").append(String.format(Locale.ROOT,
                    "{\"rows_behind\":%d,\"rows\":%d,\"seconds\":%.4f,\"rows_per_second\":%.0f,"
                            + "\"established_seconds\":%.4f,\"baseline_rows_per_second\":%.0f,\"ratio\":%.3f,"
                            + "\"live_rows_after\":%d}",
                    r.behindRows(), r.caughtUpRows(), r.seconds(), r.rowsPerSecond(), r.establishedSeconds(),
                    r.baselineRowsPerSecond(), r.ratio(), r.liveRowsAfter()));
        }
        out.printf(Locale.ROOT, "{\"source\":\"%s\",\"behind\":%d,\"live_rate\":%d,\"row_bytes\":%d,\"page_rows\":%d,"
                        + "\"baseline\":\"%s\",\"runs\":[%s],\"median_rows_per_second\":%.0f,"
                        + "\"median_baseline_rows_per_second\":%.0f,\"median_ratio\":%.3f}%n",
                o.source().label(), o.behind(), o.liveRate(), o.rowBytes(), o.pageRows(), baselineName(o.source()), runs,
                median(results, CatchUpResult::rowsPerSecond), median(results, CatchUpResult::baselineRowsPerSecond),
                median(results, CatchUpResult::ratio));
    }
}
