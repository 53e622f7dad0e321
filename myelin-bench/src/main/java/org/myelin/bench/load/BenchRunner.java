package org.myelin.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import io.lettuce.core.RedisURI;
import org.myelin.node.Myelin;
import org.myelin.node.MyelinNode;
import org.myelin.node.NodeBuilder;
import org.myelin.protocol.RawJson;

/**
 * Runs one measured run: a fresh writer (a main process, built with the {@link Myelin} facade) on a
 * temporary data directory, N readers, the rows written from one thread, every row awaited and
 * checked, then everything stopped and deleted.
 */
final class BenchRunner {
    private static final String SERVER_NAME = "bench.local";
    /** The writer's instance name, as Synapse's main process calls itself. */
    static final String MAIN_INSTANCE = "master";

    private final BenchOptions options;
    private final RowFormat format;
    /** Replicate over this Redis instead of TCP, when not null. */
    private final RedisURI redis;
    /** The writer appends to a {@link MemoryStore} instead of SQLite (no transaction, no durable commit). */
    private final boolean inMemory;

    /** @param options what to run */
    public BenchRunner(BenchOptions options) {
        this(options, null);
    }

    /**
     * @param options what to run
     * @param redis the Redis the writer publishes to and the workers follow, instead of TCP; null for TCP
     */
    public BenchRunner(BenchOptions options, RedisURI redis) {
        this(options, redis, false);
    }

    /**
     * @param options what to run
     * @param redis the Redis the writer publishes to and the workers follow, instead of TCP; null for TCP
     * @param inMemory whether the writer appends to memory instead of SQLite (the workers then catch up
     *     from that memory too); replication mode only
     */
    public BenchRunner(BenchOptions options, RedisURI redis, boolean inMemory) {
        this.options = options;
        this.format = new RowFormat(options.rowBytes());
        this.redis = redis;
        this.inMemory = inMemory;
    }

    /**
     * Runs once with readers of the given kind.
     *
     * @throws BenchFailure if a row is lost, duplicated, reordered or late, or a link never comes up
     */
    public RunResult run(RunResult.Mode mode) {
        if (inMemory && mode == RunResult.Mode.POLLING) {
            throw new IllegalStateException("the polling baseline reads the SQLite file: not with an in-memory writer");
        }
        Path dir;
        try {
            Files.createDirectories(options.tempParent());
            dir = Files.createTempDirectory(options.tempParent(), "myelin-bench-");
        } catch (IOException e) {
            throw new BenchFailure("cannot create a temporary data directory in " + options.tempParent() + ": " + e);
        }
        MemoryStore memory = inMemory ? new MemoryStore() : null;
        NodeBuilder writer = Myelin.writer(MAIN_INSTANCE).serverName(SERVER_NAME);
        if (memory != null) {
            writer.writeTo(memory);
        } else {
            writer.writeTo(dir);
        }
        Consumer<NodeBuilder> catchUp = memory != null ? w -> w.catchUpFrom(memory) : w -> w.catchUpFrom(dir);
        try (MyelinNode main = (redis == null ? writer.listenTcp("127.0.0.1", 0) : writer.redis(redis)).start()) {
            CountDownLatch allReceived = new CountDownLatch(options.workers());
            try (Readers readers = mode == RunResult.Mode.REPLICATION
                    ? new ReplicatedReaders(redis == null ? main.tcpPort() : -1, SERVER_NAME, catchUp, options,
                            allReceived, redis)
                    : new PollingReaders(dir, options, allReceived)) {
                readers.awaitReady(options.timeout());
                return measure(mode, main, readers, allReceived);
            }
        } finally {
            if (memory != null) {
                memory.close();
            }
            deleteRecursively(dir);
        }
    }

    private RunResult measure(RunResult.Mode mode, MyelinNode main, Readers readers, CountDownLatch allReceived) {
        // a collection now rather than in the middle of the measurement, for less noisy latencies
        System.gc();
        long start = System.nanoTime();
        CompletableFuture<Long> writing = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                writing.complete(write(main, start));
            } catch (Throwable t) {
                writing.completeExceptionally(t);
            }
        }, "bench-writer");
        writer.start();
        long writeEnd;
        try {
            writeEnd = writing.get();
            if (!allReceived.await(options.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                List<String> counts = new ArrayList<>();
                for (DeliveryRecorder r : readers.recorders()) {
                    counts.add(r.name() + "=" + r.received());
                }
                throw new BenchFailure("not every reader received all " + options.rows() + " rows within "
                        + options.timeout().toSeconds() + " s of the last write: " + counts);
            }
        } catch (ExecutionException e) {
            throw new BenchFailure("appending to the main process failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        }
        Runtime rt = Runtime.getRuntime();
        long heapUsed = rt.totalMemory() - rt.freeMemory();
        readers.recorders().forEach(DeliveryRecorder::verify);
        long lastDelivery = readers.recorders().stream().mapToLong(DeliveryRecorder::lastDeliveryNanos).max()
                .orElseThrow();
        double writeSeconds = (writeEnd - start) / 1e9;
        double deliverSeconds = (lastDelivery - start) / 1e9;
        long delivered = (long) options.rows() * options.workers();
        return new RunResult(mode, options.workers(), options.rows(), writeSeconds, deliverSeconds,
                options.rows() / writeSeconds, delivered / deliverSeconds,
                LatencySummary.of(readers.recorders().stream().map(DeliveryRecorder::latencies).toList()),
                heapUsed, readers.storeFetches());
    }

    /** Writes every row, {@code batch} per append call; returns when the last call returned. */
    private long write(MyelinNode main, long start) {
        Pacer pacer = new Pacer(options.rate(), start);
        int seq = 0;
        while (seq < options.rows()) {
            pacer.awaitTurn(seq);
            int n = Math.min(options.batch(), options.rows() - seq);
            List<RawJson> batch = new ArrayList<>(n);
            long now = System.nanoTime();
            for (int i = 0; i < n; i++) {
                batch.add(RawJson.of(format.row(seq + i, now)));
            }
            main.append(options.stream(), batch, false);
            seq += n;
        }
        return System.nanoTime();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary directory " + dir, e);
        }
    }
}
