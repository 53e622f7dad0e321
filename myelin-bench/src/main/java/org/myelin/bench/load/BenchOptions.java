package org.myelin.bench.load;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one benchmark is asked to do.
 *
 * @param workers how many workers receive the rows (at least 1)
 * @param rows how many rows are written per run (at least 1)
 * @param rate rows per second the writer aims at; 0 for as fast as it can
 * @param batch rows per append call, each row with its own token (at least 1)
 * @param rowBytes approximate size of a row's JSON text
 * @param stream the stream written
 * @param timeout how long the workers may take, after the last write, to receive every row
 * @param tempParent where the run's temporary data directory is made
 */
record BenchOptions(int workers, int rows, int rate, int batch, int rowBytes, String stream,
        Duration timeout, Path tempParent) {

    /** @throws IllegalArgumentException naming the bad value */
    public BenchOptions {
        positive("--workers", workers);
        positive("--rows", rows);
        positive("--batch", batch);
        if (rate < 0) {
            throw new IllegalArgumentException("--rate must be 0 (as fast as possible) or a positive number of rows/s, not "
                    + rate);
        }
        if (rowBytes < RowFormat.MIN_BYTES || rowBytes > 1_000_000) {
            throw new IllegalArgumentException("--row-bytes must be between " + RowFormat.MIN_BYTES
                    + " and 1000000, not " + rowBytes);
        }
        if (stream == null || !stream.matches("[A-Za-z0-9_.\\-]{1,100}")) {
            throw new IllegalArgumentException("--stream must be 1-100 letters, digits, '_', '.' or '-', not " + stream);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be a positive number of seconds");
        }
        if (tempParent == null) {
            throw new IllegalArgumentException("the temporary directory's parent must be given");
        }
    }

    /** The same with another number of rows. */
    public BenchOptions withRows(int value) {
        return new BenchOptions(workers, value, rate, batch, rowBytes, stream, timeout, tempParent);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }
}
