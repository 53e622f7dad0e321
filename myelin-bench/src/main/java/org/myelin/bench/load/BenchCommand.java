package org.myelin.bench.load;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.myelin.core.stream.SynapseStreams;
import picocli.CommandLine;

/** {@code myelin bench}: end-to-end throughput and latency of replication, against a polling baseline. */
@CommandLine.Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {CatchUpCommand.class, org.myelin.bench.fanout.FanoutCommand.class},
        sortOptions = false,
        description = {
            "Measure end-to-end replication throughput and latency against a polling baseline.",
            "",
            "Runs in one JVM: a main process on a fresh temporary data directory and N workers connected "
                + "to it over loopback TCP (ports chosen by the system).",
            "",
            "Once every worker's link is established, one writer thread appends the rows through the "
                + "main process (each row its own token, --batch rows per append call, each append one SQLite "
                + "transaction with a durable commit). Every row carries the System.nanoTime() of its append "
                + "call, so each worker measures write-to-delivery latency. The run waits (at most --timeout "
                + "seconds after the last write) until every worker has received every row, and fails unless "
                + "each worker got every row exactly once, in order. Every measured run, of every mode, "
                + "starts after a full garbage collection, so that no run pays for the previous one's garbage.",
            "",
            "Reported per mode, as the median of --runs runs: rows written/s; rows delivered/s summed "
                + "over workers (rows x workers / time from the first write to the last delivery); p50, p99, "
                + "p99.9 and max write-to-delivery latency; JVM heap in use at the end of the run; and "
                + "'fetches', the out-of-band reads of the store that returned rows (catch-ups for "
                + "replication, polls for the baseline).",
            "",
            "Baseline ('polling'): the same main process and writer, but instead of workers receiving "
                + "RDATA, N readers open the SQLite file read-only and poll it every 10 ms for rows after the "
                + "last one they saw, with the same checks and latency measurement. Disable it with "
                + "--no-baseline.",
            "",
            "'myelin bench fanout' measures pure fan-out instead (in-memory stream, readers in another JVM, "
                + "against a plain Netty server): see 'myelin bench fanout --help'.",
            "",
            "Exit status: 0 when every run passed, 1 when a run failed (lost, duplicated, reordered or "
                + "late rows; a link that never came up), 2 for bad options. Logs go to stderr; "
                + "MYELIN_LOG_LEVEL=WARN quiets them.",
            ""
        })
public final class BenchCommand implements Callable<Integer> {
    private static final int WARMUP_ROWS = 5000;

    @CommandLine.Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "Workers (and baseline readers). Default: ${DEFAULT-VALUE}.")
    int workers;

    @CommandLine.Option(names = "--rows", defaultValue = "50000", paramLabel = "N",
            description = "Rows written per run. Default: ${DEFAULT-VALUE}.")
    int rows;

    @CommandLine.Option(names = "--rate", defaultValue = "0", paramLabel = "ROWS_PER_SEC",
            description = "Rows per second the writer aims at; 0 writes as fast as possible. Default: ${DEFAULT-VALUE}.")
    int rate;

    @CommandLine.Option(names = "--batch", defaultValue = "1", paramLabel = "ROWS",
            description = "Rows per append call (one transaction); each row still gets its own token. "
                    + "Default: ${DEFAULT-VALUE}.")
    int batch;

    @CommandLine.Option(names = "--row-bytes", defaultValue = "150", paramLabel = "N",
            description = "Approximate size of each row's JSON, like a Synapse events row. Default: ${DEFAULT-VALUE}.")
    int rowBytes;

    @CommandLine.Option(names = "--stream", defaultValue = "events", paramLabel = "NAME",
            description = "One of Synapse's streams, to write and follow. Default: ${DEFAULT-VALUE}.")
    String stream;

    @CommandLine.Option(names = "--runs", defaultValue = "1", paramLabel = "N",
            description = "Runs per mode; the median of each figure is reported. Default: ${DEFAULT-VALUE}.")
    int runs;

    @CommandLine.Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unreported runs per mode before the measured ones (same JVM: lets the JIT compile "
                    + "the hot paths), each of at most 5000 rows. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @CommandLine.Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long workers may take to connect, and to receive every row after the last "
                    + "write, before the run fails. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @CommandLine.Option(names = "--no-baseline", negatable = false,
            description = "Skip the polling baseline (and the ratio).")
    boolean noBaseline;

    @CommandLine.Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where the temporary data directories go (deleted after each run). "
                    + "Default: the JVM's java.io.tmpdir.")
    Path tempDir;

    @CommandLine.Option(names = "--redis", paramLabel = "URI",
            description = "Replicate over this Redis (pub/sub) instead of loopback TCP, and also measure, in the same "
                    + "run, a pipelined raw PUBLISH of lines of the same size to as many plain subscribers (the "
                    + "ceiling for end-to-end delivery). Never point it at a Redis in production use.")
    String redis;

    @CommandLine.Option(names = "--in-memory", negatable = false,
            description = "The writer appends to memory instead of SQLite (no transaction, no durable commit; "
                    + "workers catch up from that memory), so the figures are those of the transport, streamer and "
                    + "workers rather than of the disk. Implies --no-baseline (the polling baseline reads the "
                    + "SQLite file).")
    boolean inMemory;

    @CommandLine.Option(names = "--json", description = "Print one JSON document (every run, medians, ratios).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BenchOptions options;
        try {
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup must be 0 or more, not " + warmup);
            }
            if (!SynapseStreams.NAMES.contains(stream)) {
                // workers wait for every followed stream's POSITION before their link is established,
                // and the main process announces only the streams it knows at start
                throw new IllegalArgumentException("--stream must be one of Synapse's streams " + SynapseStreams.NAMES
                        + ", not " + stream);
            }
            options = new BenchOptions(workers, rows, rate, batch, rowBytes, stream,
                    Duration.ofSeconds(timeoutSeconds),
                    tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IllegalArgumentException e) {
            err.println("myelin bench: " + e.getMessage());
            err.println("Run 'myelin bench --help' for the options.");
            return 2;
        }
        io.lettuce.core.RedisURI redisUri = null;
        if (redis != null) {
            try {
                redisUri = org.myelin.redis.RedisTransport.parseUri(redis);
            } catch (IllegalArgumentException e) {
                err.println("myelin bench: --redis: " + e.getMessage());
                return 2;
            }
        }
        if (inMemory) {
            noBaseline = true;
        }
        BenchRunner runner = new BenchRunner(options, redisUri, inMemory);
        List<Double> rawPublish = new ArrayList<>();
        List<LatencySummary> rawLatency = new ArrayList<>();
        List<RunResult> replication = new ArrayList<>();
        List<RunResult> baseline = new ArrayList<>();
        try {
            BenchRunner warmupRunner = new BenchRunner(options.withRows(Math.min(options.rows(), WARMUP_ROWS)),
                    redisUri, inMemory);
            for (int i = 1; i <= warmup; i++) {
                warmupRunner.run(RunResult.Mode.REPLICATION);
                if (!noBaseline) {
                    warmupRunner.run(RunResult.Mode.POLLING);
                }
                err.printf("myelin bench: warm-up run %d done%n", i);
            }
            for (int i = 1; i <= runs; i++) {
                collectGarbage();
                replication.add(progress(err, runner.run(RunResult.Mode.REPLICATION), i));
                if (!noBaseline) {
                    collectGarbage();
                    baseline.add(progress(err, runner.run(RunResult.Mode.POLLING), i));
                }
                if (redisUri != null) {
                    collectGarbage();
                    double raw = RawPublish.run(redisUri, workers, rows, rowBytes, stream, options.timeout());
                    err.printf("myelin bench: run %d raw PUBLISH: %.0f delivered/s%n", i, raw);
                    rawPublish.add(raw);
                    if (options.rate() > 0) {
                        collectGarbage();
                        LatencySummary l = RawPublish.latency(redisUri, workers, rows, rowBytes, stream, options.rate(),
                                options.timeout());
                        err.printf("myelin bench: run %d raw PUBLISH at %,d rows/s: p50 %.3f ms, p99 %.3f ms%n", i,
                                options.rate(), l.p50() / 1e6, l.p99() / 1e6);
                        rawLatency.add(l);
                    }
                }
            }
        } catch (BenchFailure e) {
            err.println("myelin bench: FAILED: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // the main process or a worker could not start (store, ports): say so without a stack trace
            err.println("myelin bench: FAILED: " + e);
            return 1;
        }
        BenchReport report = new BenchReport(options, replication, baseline);
        if (json) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        if (inMemory && !json) {
            out.println("writer: in memory (--in-memory: no SQLite transaction, no durable commit per append)");
        }
        if (!rawPublish.isEmpty()) {
            List<Double> sortedRaw = rawPublish.stream().sorted().toList();
            double rawMedian = sortedRaw.get(sortedRaw.size() / 2);
            List<Double> delivered = replication.stream().map(RunResult::deliveredPerSecond).sorted().toList();
            double deliveredMedian = delivered.get(delivered.size() / 2);
            if (json) {
                out.printf("{\"redis_raw_publish_delivered_per_second\":%.0f,\"redis_delivered_over_raw\":%.3f}%n",
                        rawMedian, deliveredMedian / rawMedian);
            } else {
                out.printf("redis raw PUBLISH (pipelined, same line size, %d subscriber(s)): median %.0f delivered/s; "
                        + "Myelin end to end / raw = %.2f%n", workers, rawMedian, deliveredMedian / rawMedian);
            }
            if (!rawLatency.isEmpty()) {
                double p50 = medianOf(rawLatency.stream().map(l -> l.p50() / 1e6).toList());
                double p99 = medianOf(rawLatency.stream().map(l -> l.p99() / 1e6).toList());
                double p999 = medianOf(rawLatency.stream().map(l -> l.p999() / 1e6).toList());
                if (json) {
                    out.printf("{\"redis_raw_publish_latency_p50_ms\":%.3f,\"redis_raw_publish_latency_p99_ms\":%.3f,"
                            + "\"redis_raw_publish_latency_p999_ms\":%.3f}%n", p50, p99, p999);
                } else {
                    out.printf("redis raw PUBLISH at %,d rows/s (one PUBLISH and flush per row, %d subscriber(s)), "
                            + "medians: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms%n", options.rate(), workers, p50, p99, p999);
                }
            }
        }
        out.flush();
        return 0;
    }

    private static RunResult progress(PrintWriter err, RunResult r, int run) {
        err.printf("myelin bench: run %d %s: %.0f written/s, %.0f delivered/s, p50 %.3f ms, p99 %.3f ms%n", run,
                r.mode().name().toLowerCase(), r.writtenPerSecond(), r.deliveredPerSecond(), r.latency().p50() / 1e6,
                r.latency().p99() / 1e6);
        return r;
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Every measured run starts from a collected heap: the modes share this JVM, and the garbage one
     * leaves (a raw baseline's 50,000 strings, say) would otherwise be collected, with its pause,
     * in the middle of the next one's run and charged to it.
     */
    private static void collectGarbage() {
        System.gc();
    }
}
