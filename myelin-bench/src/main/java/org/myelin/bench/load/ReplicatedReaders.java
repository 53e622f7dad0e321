package org.myelin.bench.load;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.myelin.node.Myelin;
import org.myelin.node.MyelinNode;
import org.myelin.node.NodeBuilder;

/**
 * Workers that receive the rows by replication (RDATA over loopback TCP, or over Redis pub/sub), as
 * Synapse's workers do.
 */
final class ReplicatedReaders implements Readers {
    private final List<MyelinNode> workers = new ArrayList<>();
    private final List<DeliveryRecorder> recorders = new ArrayList<>();

    /**
     * @param mainPort the writer's TCP port (unused on Redis)
     * @param catchUp gives a worker its catch-up source (the writer's SQLite file, or its memory)
     * @param redis the Redis to follow instead of TCP, or null
     */
    ReplicatedReaders(int mainPort, String serverName, Consumer<NodeBuilder> catchUp, BenchOptions options,
            CountDownLatch allReceived, RedisURI redis) {
        try {
            for (int i = 1; i <= options.workers(); i++) {
                String name = "bench-worker-" + i;
                DeliveryRecorder recorder = new DeliveryRecorder(name, options.stream(), options.rows(), allReceived);
                NodeBuilder worker = Myelin.worker(name).serverName(serverName);
                catchUp.accept(worker);
                worker.follow(options.stream()).resumeFrom(0).onRows(recorder);
                workers.add((redis == null ? worker.tcp("127.0.0.1", mainPort) : worker.redis(redis)).start());
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
                .map(MyelinNode::established).toArray(CompletableFuture[]::new));
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < workers.size(); i++) {
                if (!workers.get(i).established().isDone()) {
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

    @Override
    public long storeFetches() {
        return workers.stream().mapToLong(w -> w.workerEngine().orElseThrow().receiver().catchUps()).sum();
    }

    @Override
    public void close() {
        workers.forEach(MyelinNode::close);
    }
}
