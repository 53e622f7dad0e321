package org.myelin.server.torture;

import java.io.IOException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.myelin.protocol.Json;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One torture run: a main process and workers as child JVMs, a steady load through the main's
 * HTTP API, the seeded faults, then the wait for every worker to print the store's last token, and
 * the check of every worker's output against the store.
 */
public final class TortureRun {
    private static final Logger log = LoggerFactory.getLogger(TortureRun.class);
    /** JVM options of every child: small and frugal (the machine is shared). */
    private static final List<String> CHILD_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k", "-XX:-UsePerfData");

    private final TortureOptions options;

    public TortureRun(TortureOptions options) {
        this.options = options;
    }

    /**
     * Runs it.
     *
     * @throws TortureFailure when the harness itself fails (a process does not start)
     */
    public TortureReport run() throws IOException, InterruptedException {
        long started = System.nanoTime();
        Files.createDirectories(options.tempDir());
        Path dir = Files.createTempDirectory(options.tempDir(), "myelin-torture-");
        log.info("torture seed {} in {}", options.seed(), dir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<String> mainJvm = new ArrayList<>(CHILD_JVM);
        mainJvm.add("-Xmx" + options.mainHeap());
        List<String> workerJvm = new ArrayList<>(CHILD_JVM);
        workerJvm.add("-Xmx128m");
        RedisNode redis = options.redis() ? new RedisNode(dir) : null;
        MainNode main = new MainNode(dir, mainJvm, http, Duration.ofSeconds(120), redis == null ? null : redis.uri());
        List<WorkerNode> workers = new ArrayList<>();
        SqliteStreamStore store = null;
        HeapSampler heap = new HeapSampler(main);
        boolean passed = false;
        // if this JVM is stopped mid-run, take the children with it (a SIGSTOPped worker would linger)
        Thread reaper = new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly),
                "torture-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            if (redis != null) {
                redis.start();
            }
            main.start();
            store = SqliteStreamStore.openExisting(main.data());
            for (int i = 1; i <= options.workers(); i++) {
                String name = "w" + i;
                WorkerNode worker;
                if (redis == null) {
                    LinkProxy proxy = new LinkProxy(name, main.tcpPort());
                    worker = new WorkerNode(name, dir, List.of("--connect", "127.0.0.1:" + proxy.port(), "--data",
                            main.data().toString()), proxy, workerJvm, false);
                } else {
                    worker = new WorkerNode(name, dir, List.of("--redis", redis.uri(), "--data", main.data().toString()),
                            null, workerJvm, true);
                }
                workers.add(worker);
                worker.start();
            }
            if (redis == null) {
                awaitLinks(main, workers);
            } else {
                awaitRedis(http, main, workers);
            }
            heap.start();

            // most rows on events, a quarter of the rate on receipts: two streams resumed independently
            int receiptsRate = Math.max(1, options.rate() / 4);
            List<LoadWriter> writers = List.of(
                    new LoadWriter(http, TortureRows.STREAMS.get(0), main::base, Math.max(1, options.rate() - receiptsRate),
                            options.seed() + 1),
                    new LoadWriter(http, TortureRows.STREAMS.get(1), main::base, receiptsRate, options.seed() + 2));
            Set<FaultKind> kinds = redis == null ? FaultKind.TCP : FaultKind.REDIS;
            List<Fault> plan = FaultPlan.of(options.seed(), options.load(), options.workers(), kinds);
            log.info("fault plan of seed {}: {}", options.seed(), plan);
            FaultInjector faults = new FaultInjector(plan, main, workers, options.floodSize(), redis, kinds);
            long loadStart = System.nanoTime();
            writers.forEach(LoadWriter::start);
            faults.start(loadStart);
            long end = loadStart + options.load().toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
                log.info("load: {} rows acknowledged, faults so far {}", acknowledged(writers), faults.injected());
            }
            faults.stop();
            for (LoadWriter w : writers) {
                w.stop(Duration.ofMinutes(3));
            }
            Map<String, Long> lastTokens = new LinkedHashMap<>();
            for (String stream : TortureRows.STREAMS) {
                lastTokens.put(stream, store.currentToken(stream, TortureRows.INSTANCE));
            }
            log.info("load over: {} rows acknowledged, last tokens {}; waiting for the workers", acknowledged(writers),
                    lastTokens);
            List<String> behind = awaitConvergence(workers, lastTokens);
            heap.stop();
            List<Map<String, Long>> lastPrinted = new ArrayList<>();
            for (WorkerNode w : workers) {
                Map<String, Long> last = new LinkedHashMap<>();
                for (String stream : TortureRows.STREAMS) {
                    last.put(stream, w.lastPrinted(stream));
                }
                lastPrinted.add(last);
            }
            for (WorkerNode w : workers) {
                w.stop(false);
            }
            main.stop();

            Map<String, AckLog> acks = new LinkedHashMap<>();
            writers.forEach(w -> acks.put(w.stream(), w.acks()));
            Checker checker = new Checker(store, acks);
            for (String b : behind) {
                checker.record(new Violation(Violation.Kind.NOT_CONVERGED, b.substring(0, b.indexOf(' ')), b));
            }
            List<WorkerResult> results = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                WorkerNode w = workers.get(i);
                List<WorkerNode.Incarnation> runs = w.incarnations();
                long checked = checker.checkWorker(w.name(), runs);
                results.add(new WorkerResult(w.name(), runs.size(), lastPrinted.get(i), checked));
            }
            passed = checker.total() == 0;
            return new TortureReport(options, (System.nanoTime() - started) / 1e9, faults.injected(), faults.log(),
                    acknowledged(writers), writers.stream().mapToLong(LoadWriter::requests).sum(),
                    writers.stream().mapToLong(LoadWriter::sameTokenRequests).sum(),
                    writers.stream().mapToLong(LoadWriter::retries).sum(), checker.storeRows(),
                    checker.storeDuplicates(), checker.lastTokens(), checker.reprinted(), results, checker.counts(),
                    checker.examples(), heap.max(), heap.samples(),
                    passed && !options.keep() ? null : dir.toString());
        } finally {
            heap.stop();
            for (WorkerNode w : workers) {
                try {
                    ChildJvm.signal(w.process(), "CONT"); // a worker left stopped would not die of SIGTERM
                } catch (RuntimeException e) {
                    // already gone
                }
                w.close();
            }
            main.close();
            if (redis != null) {
                redis.close();
            }
            if (store != null) {
                store.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs
            }
            if (passed && !options.keep()) {
                delete(dir);
            } else {
                log.info("run directory kept: {}", dir);
            }
        }
    }

    private static void awaitLinks(MainNode main, List<WorkerNode> workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            var status = main.status();
            long linked = 0;
            if (status != null) {
                for (var link : status.path("links")) {
                    String name = link.path("name").asText();
                    if (workers.stream().anyMatch(w -> w.name().equals(name))) {
                        linked++;
                    }
                }
            }
            if (linked >= workers.size()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TortureFailure("only " + linked + " of " + workers.size() + " workers connected within 120 s");
            }
            Thread.sleep(100); // polling the main's status for a condition, with a deadline
        }
    }

    private static long acknowledged(List<LoadWriter> writers) {
        return writers.stream().mapToLong(w -> w.acks().acknowledged()).sum();
    }

    /** Waits until the main and every worker say they are connected to Redis (their status documents). */
    private static void awaitRedis(HttpClient http, MainNode main, List<WorkerNode> workers)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            List<String> waiting = new ArrayList<>();
            if (!redisConnected(main.status())) {
                waiting.add("main");
            }
            for (WorkerNode w : workers) {
                if (!redisConnected(workerStatus(http, w.httpPort()))) {
                    waiting.add(w.name());
                }
            }
            if (waiting.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TortureFailure("not connected to Redis within 120 s: " + waiting);
            }
            Thread.sleep(100); // polling status documents for a condition, with a deadline
        }
    }

    private static boolean redisConnected(JsonNode status) {
        return status != null && "connected".equalsIgnoreCase(status.path("redis").path("state").asText());
    }

    private static JsonNode workerStatus(HttpClient http, int port) throws InterruptedException {
        if (port < 0) {
            return null;
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/_myelin/v1/status")).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Json.parse(response.body()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Waits until every worker printed the last token of every stream; returns a line per stream behind. */
    private List<String> awaitConvergence(List<WorkerNode> workers, Map<String, Long> lastTokens)
            throws InterruptedException {
        long deadline = System.nanoTime() + options.convergeTimeout().toNanos();
        while (true) {
            List<String> behind = new ArrayList<>();
            for (WorkerNode w : workers) {
                lastTokens.forEach((stream, lastToken) -> {
                    long last = w.lastPrinted(stream);
                    if (last < lastToken) {
                        behind.add(w.name() + " printed " + stream + " up to token " + last + " of " + lastToken
                                + " (process " + (w.alive() ? "running" : "exited") + ")");
                    }
                });
            }
            if (behind.isEmpty()) {
                log.info("every worker printed tokens {}", lastTokens);
                return behind;
            }
            if (System.nanoTime() > deadline) {
                log.error("not converged after {}: {}", options.convergeTimeout(), behind);
                return behind;
            }
            Thread.sleep(200); // polling the outputs for a condition, with a deadline
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.toString());
        }
    }

    /** Samples the main's heap in use every second from its /metrics, keeping the maximum. */
    private static final class HeapSampler {
        private final MainNode main;
        private final AtomicLong max = new AtomicLong(-1);
        private final AtomicInteger samples = new AtomicInteger();
        private volatile boolean stopping;
        private Thread thread;

        HeapSampler(MainNode main) {
            this.main = main;
        }

        void start() {
            thread = new Thread(() -> {
                while (!stopping) {
                    long used = main.heapUsed();
                    if (used >= 0) {
                        samples.incrementAndGet();
                        max.accumulateAndGet(used, Math::max);
                    }
                    try {
                        Thread.sleep(1000); // the sampling period
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "torture-heap");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stopping = true;
            if (thread != null) {
                thread.interrupt();
                thread.join(30_000);
            }
        }

        long max() {
            return max.get();
        }

        int samples() {
            return samples.get();
        }
    }
}
