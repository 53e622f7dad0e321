package org.myelin.server.torture;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a torture run is given.
 *
 * @param load how long rows are written and faults injected
 * @param seed the seed of the fault plan (and of the writer's batching)
 * @param workers how many worker processes
 * @param rate rows per second written
 * @param floodSize how many REPLICATE a flood sends
 * @param mainHeap the main process's {@code -Xmx}, e.g. {@code 256m}
 * @param convergeTimeout how long workers may take, after the load, to print the store's last token
 * @param tempDir where the run's directory is made
 * @param keep keep the run's directory (data, logs, worker outputs) even when the run passed
 * @param redis run the main and the workers on a Redis bus (a {@code redis-server} the harness
 *     starts) instead of worker TCP links, with the Redis faults
 */
public record TortureOptions(Duration load, long seed, int workers, int rate, int floodSize, String mainHeap,
        Duration convergeTimeout, Path tempDir, boolean keep, boolean redis) {
    /** Checks the values. */
    public TortureOptions {
        if (load.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("the load must last at least 5 seconds, not " + load.toSeconds());
        }
        if (workers < 1 || workers > 32) {
            throw new IllegalArgumentException("--workers must be 1 to 32, not " + workers);
        }
        if (rate < 1 || rate > 100_000) {
            throw new IllegalArgumentException("--rate must be 1 to 100000 rows/s, not " + rate);
        }
        if (floodSize < 1 || floodSize > 10_000_000) {
            throw new IllegalArgumentException("--flood must be 1 to 10000000 REPLICATE, not " + floodSize);
        }
        if (!mainHeap.matches("[0-9]+[kKmMgG]?")) {
            throw new IllegalArgumentException("--main-heap must look like 256m, not " + mainHeap);
        }
        if (convergeTimeout.isNegative() || convergeTimeout.isZero()) {
            throw new IllegalArgumentException("--converge-timeout must be positive");
        }
    }
}
