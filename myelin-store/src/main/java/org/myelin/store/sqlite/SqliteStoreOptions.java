package org.myelin.store.sqlite;

import java.time.Duration;

/**
 * Tuning of a {@link SqliteStreamStore}.
 *
 * @param busyTimeout how long a statement waits for a lock held by another connection or process
 *     before failing with "database is locked"
 * @param readConnections how many connections serve reads at once (reads never wait on the writer
 *     in WAL mode, only on each other when all are busy)
 * @param durableCommits whether each append is synced to disk before it returns ({@code
 *     synchronous=FULL}); when false ({@code NORMAL}) a power loss may drop the last appends, after
 *     which a restarted writer would hand out tokens that readers have already seen
 */
public record SqliteStoreOptions(Duration busyTimeout, int readConnections, boolean durableCommits) {

    /** @throws IllegalArgumentException if a value is out of range */
    public SqliteStoreOptions {
        if (busyTimeout == null || busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("busyTimeout must be between 0 and Integer.MAX_VALUE ms");
        }
        if (readConnections < 1) {
            throw new IllegalArgumentException("readConnections must be at least 1");
        }
    }

    /** Five seconds of busy timeout, four read connections, durable commits. */
    public static SqliteStoreOptions defaults() {
        return new SqliteStoreOptions(Duration.ofSeconds(5), 4, true);
    }
}
