package org.myelin.bench.fanout;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine;

/** {@code myelin bench fanout}: what the replication layer itself costs, against the physical floor. */
@CommandLine.Command(
        name = "fanout",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Measure pure fan-out: one writer, N readers, no store.",
            "",
            "The writer is this JVM: Myelin's replication engine (the streamer a main process runs) over an "
                + "in-memory stream, serving its TCP port with default settings. The readers are a separate JVM "
                + "(same java and class path, -Xmx256m) with N connections on one NIO thread speaking the "
                + "client side of the protocol (NAME, REPLICATE, a PING every 5 s): they count RDATA, check each "
                + "connection's tokens follow each other, and measure latency from a timestamp in the row.",
            "",
            "Parts (--parts, default all three, run in this order):",
            "  rss         the writer's resident memory (VmRSS) per idle link: --idle-links connections opened "
                + "after one, RSS read after a full GC before and after, divided by the links.",
            "  latency     rows at each --rates (rows/s) for --seconds to --readers readers; each row carries "
                + "the instant it was due, so a stalled writer counts too; HdrHistogram percentiles corrected "
                + "for coordinated omission (recordValueWithExpectedInterval), for the writer's first second "
                + "and for the rest. Run it alone in a fresh invocation to see a cold start.",
            "  throughput  --rows rows written as fast as possible (a poke every 100 rows) to --readers "
                + "readers, then the same rows pre-encoded in 100-line buffers written by a plain Netty server "
                + "(the floor) to the same reader process; runs alternate; delivered rows/s = rows x readers / "
                + "time from the first write to the last row's arrival. Reported: medians, and Myelin's "
                + "fraction of the floor.",
            "",
            "Exit status: 0 when every run completed (every row arrived, in order), 1 when one failed, 2 for "
                + "bad options.",
            ""
        })
public final class FanoutCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--parts", split = ",", paramLabel = "PART",
            defaultValue = "rss,latency,throughput",
            description = "Which parts to run: rss, latency, throughput. Default: ${DEFAULT-VALUE}.")
    List<String> parts;

    @CommandLine.Option(names = "--readers", split = ",", defaultValue = "10,1", paramLabel = "N",
            description = "Reader connections of the throughput runs, one set of runs per value. "
                    + "Default: ${DEFAULT-VALUE}.")
    List<Integer> readers;

    @CommandLine.Option(names = "--rows", defaultValue = "500000", paramLabel = "N",
            description = "Rows per throughput run. Default: ${DEFAULT-VALUE}.")
    long rows;

    @CommandLine.Option(names = "--runs", defaultValue = "3", paramLabel = "N",
            description = "Measured runs per figure; medians are reported. Default: ${DEFAULT-VALUE}.")
    int runs;

    @CommandLine.Option(names = "--warmup", defaultValue = "1", paramLabel = "N",
            description = "Unreported throughput runs of each mode first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @CommandLine.Option(names = "--rates", split = ",", defaultValue = "1000,10000", paramLabel = "ROWS_PER_SEC",
            description = "Rates of the latency runs. Default: ${DEFAULT-VALUE}.")
    List<Integer> rates;

    @CommandLine.Option(names = "--latency-readers", defaultValue = "10", paramLabel = "N",
            description = "Reader connections of the latency runs. Default: ${DEFAULT-VALUE}.")
    int latencyReaders;

    @CommandLine.Option(names = "--seconds", defaultValue = "10", paramLabel = "S",
            description = "Length of each latency run. Default: ${DEFAULT-VALUE}.")
    int seconds;

    @CommandLine.Option(names = "--idle-links", defaultValue = "1000", paramLabel = "N",
            description = "Idle links of the rss part. Default: ${DEFAULT-VALUE}.")
    int idleLinks;

    @CommandLine.Option(names = "--row-bytes", defaultValue = "143", paramLabel = "N",
            description = "Size of each row's JSON. Default: ${DEFAULT-VALUE}.")
    int rowBytes;

    @CommandLine.Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long any step may take before the run fails. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @CommandLine.Option(names = "--json", description = "Print one JSON document instead of the text report.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<String> chosen = new LinkedHashSet<>(parts);
        try {
            if (!Set.of("rss", "latency", "throughput").containsAll(chosen)) {
                throw new IllegalArgumentException("--parts takes rss, latency, throughput; not " + parts);
            }
            if (runs < 1 || warmup < 0 || rows < ROWS_MIN || seconds < 2 || idleLinks < 1 || rowBytes < 40
                    || readers.stream().anyMatch(n -> n < 1) || rates.stream().anyMatch(r -> r < 1 || r > 1_000_000)) {
                throw new IllegalArgumentException("need --runs >= 1, --warmup >= 0, --rows >= " + ROWS_MIN
                        + ", --seconds >= 2, --idle-links >= 1, --row-bytes >= 40, --readers >= 1, "
                        + "--rates 1-1000000");
            }
        } catch (IllegalArgumentException e) {
            err.println("myelin bench fanout: " + e.getMessage());
            err.println("Run 'myelin bench fanout --help' for the options.");
            return 2;
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        FanoutRunner runner = new FanoutRunner(rowBytes, timeout, err);
        FanoutReport report = new FanoutReport();
        try (ReaderProcess process = ReaderProcess.start()) {
            if (chosen.contains("rss")) {
                for (int i = 0; i < runs; i++) {
                    report.rss.add(runner.rssPerIdleLink(process, idleLinks));
                }
            }
            if (chosen.contains("latency")) {
                for (int i = 0; i < runs; i++) {
                    for (int rate : rates) {
                        report.latency.add(runner.latency(process, latencyReaders, rate, Duration.ofSeconds(seconds)));
                        report.latency.add(runner.floorLatency(process, latencyReaders, rate, Duration.ofSeconds(seconds)));
                    }
                }
            }
            if (chosen.contains("throughput")) {
                for (int n : readers) {
                    for (int i = 0; i < warmup; i++) {
                        runner.myelinThroughput(process, n, rows);
                        runner.floorThroughput(process, n, rows);
                    }
                    for (int i = 0; i < runs; i++) {
                        report.throughput.add(runner.myelinThroughput(process, n, rows));
                        report.throughput.add(runner.floorThroughput(process, n, rows));
                    }
                }
            }
        } catch (FanoutFailure e) {
            err.println("myelin bench fanout: FAILED: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("myelin bench fanout: FAILED: " + e);
            return 1;
        }
        if (json) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        out.flush();
        return 0;
    }

    private static final long ROWS_MIN = 1000;

    /** Every run, and the medians of each figure. */
    static final class FanoutReport {
        final List<FanoutRunner.Rss> rss = new ArrayList<>();
        final List<FanoutRunner.Latency> latency = new ArrayList<>();
        final List<FanoutRunner.Throughput> throughput = new ArrayList<>();

        static <T> double median(List<T> values, ToDoubleFunction<T> f) {
            List<Double> sorted = values.stream().map(f::applyAsDouble).sorted(Comparator.naturalOrder()).toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        void printText(PrintWriter out) {
            if (!rss.isEmpty()) {
                out.printf("RSS per idle link (%d links, %d runs): median %.1f kB (runs: %s); Java heap per link %.1f kB%n",
                        rss.get(0).links(), rss.size(), median(rss, FanoutRunner.Rss::rssPerLinkKb),
                        rss.stream().map(r -> String.format("%.1f", r.rssPerLinkKb())).toList(),
                        median(rss, FanoutRunner.Rss::heapPerLinkKb));
            }
            for (String mode : List.of("myelin", "floor")) {
                for (int rate : latency.stream().map(FanoutRunner.Latency::rate).distinct().toList()) {
                    List<FanoutRunner.Latency> runs = latency.stream()
                            .filter(l -> l.rate() == rate && l.mode().equals(mode)).toList();
                    if (runs.isEmpty()) {
                        continue;
                    }
                    out.printf("%s latency 1 -> %d at %,d rows/s (%d runs, ms, medians): first second p50 %.3f p99 %.3f "
                            + "p99.9 %.3f max %.3f | after it p50 %.3f p99 %.3f p99.9 %.3f max %.3f%n",
                            mode, runs.get(0).readers(), rate, runs.size(),
                            m(runs, l -> l.firstSecond().p50()), m(runs, l -> l.firstSecond().p99()),
                            m(runs, l -> l.firstSecond().p999()), m(runs, l -> l.firstSecond().max()),
                            m(runs, l -> l.warm().p50()), m(runs, l -> l.warm().p99()), m(runs, l -> l.warm().p999()),
                            m(runs, l -> l.warm().max()));
                }
            }
            for (int n : throughput.stream().map(FanoutRunner.Throughput::readers).distinct().toList()) {
                List<FanoutRunner.Throughput> my = of(n, "myelin");
                List<FanoutRunner.Throughput> floor = of(n, "floor");
                double myMedian = median(my, FanoutRunner.Throughput::deliveredPerSecond);
                double floorMedian = median(floor, FanoutRunner.Throughput::deliveredPerSecond);
                out.printf("fan-out 1 -> %d (%,d rows, %d runs): Myelin %,.0f delivered rows/s, floor (plain Netty) "
                        + "%,.0f; Myelin reaches %.0f%% of the floor (runs: %s | %s)%n", n, my.get(0).rows(), my.size(),
                        myMedian, floorMedian, 100 * myMedian / floorMedian,
                        my.stream().map(t -> String.format("%,.0f", t.deliveredPerSecond())).toList(),
                        floor.stream().map(t -> String.format("%,.0f", t.deliveredPerSecond())).toList());
            }
        }

        private List<FanoutRunner.Throughput> of(int n, String mode) {
            return throughput.stream().filter(t -> t.readers() == n && t.mode().equals(mode)).toList();
        }

        private static double m(List<FanoutRunner.Latency> runs, ToDoubleFunction<FanoutRunner.Latency> nanos) {
            return median(runs, nanos) / 1e6;
        }

        void printJson(PrintWriter out) {
            StringBuilder b = new StringBuilder("{\"rss\":[");
            b.append(String.join(",", rss.stream().map(r -> String.format(
                    "{\"links\":%d,\"rss_before_kb\":%d,\"rss_after_kb\":%d,\"rss_per_link_kb\":%.2f,\"heap_per_link_kb\":%.2f}",
                    r.links(), r.rssBeforeKb(), r.rssAfterKb(), r.rssPerLinkKb(), r.heapPerLinkKb())).toList()));
            b.append("],\"latency\":[");
            b.append(String.join(",", latency.stream().map(l -> String.format(
                    "{\"mode\":\"%s\",\"rate\":%d,\"readers\":%d,\"seconds\":%.0f,\"first_second\":%s,"
                            + "\"after_first_second\":%s}",
                    l.mode(), l.rate(), l.readers(), l.seconds(), hist(l.firstSecond()), hist(l.warm()))).toList()));
            b.append("],\"throughput\":[");
            b.append(String.join(",", throughput.stream().map(t -> String.format(
                    "{\"mode\":\"%s\",\"readers\":%d,\"rows\":%d,\"seconds\":%.4f,\"delivered_per_second\":%.0f,"
                            + "\"congestion_events\":%d}",
                    t.mode(), t.readers(), t.rows(), t.seconds(), t.deliveredPerSecond(), t.congestionEvents())).toList()));
            b.append("]}");
            out.println(b);
        }

        private static String hist(ReaderProcess.Percentiles p) {
            return String.format("{\"count\":%d,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"p999_ms\":%.4f,\"max_ms\":%.4f}",
                    p.count(), p.p50() / 1e6, p.p99() / 1e6, p.p999() / 1e6, p.max() / 1e6);
        }
    }
}
