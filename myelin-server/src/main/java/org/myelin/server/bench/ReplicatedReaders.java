package org.myelin.server.bench;

import java.time.Duration;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.tcp.TcpSettings;

/**
 * Workers that receive the rows by replication (RDATA over loopback TCP, or over Redis pub/sub), as
 * Synapse's workers do.
 */
final class ReplicatedReaders implements Readers {
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final List<DeliveryRecorder> recorders = new ArrayList<>();

    ReplicatedReaders(MainProcess main, String serverName, BenchOptions options, CountDownLatch allReceived,
            RedisURI redis) {
        try {
            for (int i = 1; i <= options.workers(); i++) {
                String name = "bench-worker-" + i;
                DeliveryRecorder recorder = new DeliveryRecorder(name, options.stream(), options.rows(), allReceived);
                WorkerProcess.WorkerConfig config = new WorkerProcess.WorkerConfig(name,
                        new HostPort("127.0.0.1", main.tcpPort()), serverName, main.data(), OptionalLong.of(0),
                        List.of(options.stream()), TcpSettings.defaults());
                workers.add(redis == null ? WorkerProcess.start(config, recorder)
                        : WorkerProcess.startOnRedis(config, redis, recorder));
                recorders.add(recorder);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<DeliveryRecorder> recorders() {
        return recorders;
    }

    @Override
    public void awaitReady(Duration timeout) {
        // established = every followed stream caught up, so RDATA written from now on is taken live
        CompletableFuture<?> all = CompletableFuture.allOf(workers.stream()
                .map(ReplicatedReaders::established).toArray(CompletableFuture[]::new));
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                if (!established(workers.get(i)).isDone()) {
                    waiting.add(recorders.get(i).name());
                }
            }
            throw new BenchFailure("no established replication link within " + timeout.toSeconds() + " s for "
                    + waiting + " (see the log on stderr)");
        } catch (ExecutionException e) {
            throw new BenchFailure("a worker failed to start: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted while waiting for the workers' links");
        }
    }

    private static CompletableFuture<Void> established(WorkerProcess worker) {
        return worker.redis().map(r -> r.established().toCompletableFuture())
                .orElseGet(() -> worker.client().established().toCompletableFuture());
    }

    @Override
    public long storeFetches() {
        return workers.stream().mapToLong(w -> w.engine().receiver().catchUps()).sum();
    }

    @Override
    public void close() {
        workers.forEach(WorkerProcess::close);
    }
}
