package org.myelin.bench.load;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.myelin.protocol.Json;

/**
 * The runs of both modes, their medians and the replication-to-baseline ratios, as text or JSON.
 *
 * @param options what was run
 * @param replication each replication run, in order
 * @param baseline each polling-baseline run, in order; empty when the baseline was skipped
 */
record BenchReport(BenchOptions options, List<RunResult> replication, List<RunResult> baseline) {

    /** The median of the replication runs, figure by figure. */
    public RunResult replicationMedian() {
        return median(replication);
    }

    /** The median of the baseline runs, figure by figure; null when it was skipped. */
    public RunResult baselineMedian() {
        return baseline.isEmpty() ? null : median(baseline);
    }

    /** Median delivered rows/s of replication over that of the baseline (NaN without a baseline). */
    public double throughputRatio() {
        if (baseline.isEmpty()) {
            return Double.NaN;
        }
        return replicationMedian().deliveredPerSecond() / baselineMedian().deliveredPerSecond();
    }

    /**
     * Median p50 latency of the baseline over that of replication: how many times sooner replication
     * delivers (NaN without a baseline).
     */
    public double latencyRatio() {
        if (baseline.isEmpty()) {
            return Double.NaN;
        }
        return (double) baselineMedian().latency().p50() / Math.max(1, replicationMedian().latency().p50());
    }

    static RunResult median(List<RunResult> runs) {
        RunResult first = runs.get(0);
        LatencySummary latency = new LatencySummary(
                medianLong(runs, r -> r.latency().samples()), medianLong(runs, r -> r.latency().p50()),
                medianLong(runs, r -> r.latency().p99()), medianLong(runs, r -> r.latency().p999()),
                medianLong(runs, r -> r.latency().max()));
        return new RunResult(first.mode(), first.readers(), first.rows(), median(runs, RunResult::writeSeconds),
                median(runs, RunResult::deliverSeconds), median(runs, RunResult::writtenPerSecond),
                median(runs, RunResult::deliveredPerSecond), latency, medianLong(runs, RunResult::heapUsedBytes),
                medianLong(runs, RunResult::storeFetches));
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long medianLong(List<RunResult> runs, ToLongFunction<RunResult> f) {
        long[] v = runs.stream().mapToLong(f).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Prints a human-readable table. */
    public void printText(PrintWriter out) {
        out.printf("myelin bench: %d worker(s), %d rows of ~%d bytes, stream %s, %s, batch %d, %d run(s) each%n",
                options.workers(), options.rows(), options.rowBytes(), options.stream(),
                options.rate() == 0 ? "full speed" : options.rate() + " rows/s", options.batch(), replication.size());
        out.printf("%-12s %12s %14s %9s %9s %9s %9s %9s %8s%n", "mode (median)", "written/s", "delivered/s",
                "p50 ms", "p99 ms", "p99.9 ms", "max ms", "heap MB", "fetches");
        List<RunResult> medians = baseline.isEmpty() ? List.of(replicationMedian())
                : List.of(replicationMedian(), baselineMedian());
        for (RunResult r : medians) {
            LatencySummary l = r.latency();
            out.printf("%-12s %12.0f %14.0f %9.3f %9.3f %9.3f %9.3f %9.1f %8d%n", r.mode().name().toLowerCase(),
                    r.writtenPerSecond(), r.deliveredPerSecond(), ms(l.p50()), ms(l.p99()), ms(l.p999()),
                    ms(l.max()), r.heapUsedBytes() / 1048576.0, r.storeFetches());
        }
        if (baseline.isEmpty()) {
            return;
        }
        out.printf("replication / polling baseline: delivered rows/s x%.2f; p50 latency baseline / replication"
                + " = %.2f (above 1: replication delivers sooner)%n", throughputRatio(), latencyRatio());
        out.println("(baseline: the same writer; readers poll the SQLite file every 10 ms instead of receiving RDATA)");
    }

    /** Prints one JSON document: options, every run, medians and ratios. */
    public void printJson(PrintWriter out) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("options")
                .put("workers", options.workers()).put("rows", options.rows()).put("rate", options.rate())
                .put("batch", options.batch()).put("row_bytes", options.rowBytes()).put("stream", options.stream())
                .put("runs", replication.size()).put("timeout_seconds", options.timeout().toSeconds());
        root.set("replication_runs", Json.mapper().valueToTree(replication));
        root.set("baseline_runs", Json.mapper().valueToTree(baseline));
        root.set("replication_median", Json.mapper().valueToTree(replicationMedian()));
        if (!baseline.isEmpty()) {
            root.set("baseline_median", Json.mapper().valueToTree(baselineMedian()));
            root.put("baseline", "polling: readers read the SQLite file every 10 ms instead of receiving RDATA");
            root.put("delivered_per_second_ratio", throughputRatio());
            root.put("p50_latency_ratio", latencyRatio());
        }
        out.println(Json.write(root));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
