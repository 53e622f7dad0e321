package org.myelin.bench.load;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one catch-up benchmark invocation does.
 *
 * @param source where the worker catches up from
 * @param behind rows in the store before the worker starts (from token 0)
 * @param liveRate rows per second the writer appends while the worker catches up (0: none)
 * @param rowBytes approximate size of each row's JSON
 * @param pageRows rows per catch-up read the worker asks for (0: the engine's default)
 * @param runs measured runs (each: the baseline, then a fresh worker catching up)
 * @param timeout how long a worker may take to catch up and then to receive the last live row
 * @param tempParent where the SQLite data directory goes
 * @param databaseUrl the PostgreSQL database (a schema of its own is created and dropped)
 */
record CatchUpOptions(CatchUpSource source, int behind, int liveRate, int rowBytes, int pageRows, int runs,
        Duration timeout, Path tempParent, String databaseUrl) {

    /** @throws IllegalArgumentException for values out of range */
    CatchUpOptions {
        if (behind < 1) {
            throw new IllegalArgumentException("--behind must be at least 1, not " + behind);
        }
        if (liveRate < 0 || liveRate > 100_000) {
            throw new IllegalArgumentException("--live-rate must be 0-100000 rows/s, not " + liveRate);
        }
        if (rowBytes < RowFormat.MIN_BYTES || rowBytes > 16_000) {
            throw new IllegalArgumentException("--row-bytes must be " + RowFormat.MIN_BYTES + "-16000, not " + rowBytes);
        }
        if (pageRows < 0) {
            throw new IllegalArgumentException("--page-rows must be 0 (the default) or more, not " + pageRows);
        }
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
        }
    }
}
