package org.myelin.core.presence;

/**
 * The presence writer's memory bounds and how its changes are batched into the stream.
 *
 * @param maxOfflineRemembered offline users remembered for lookups; the least recently used are
 *     forgotten beyond this (a lookup of a forgotten one answers "never seen")
 * @param maxClearedRemembered instances remembered as having sent {@code CLEAR_USER_SYNC}, so that
 *     their late {@code end}s are recognised
 * @param publishQueueRows presence rows waiting to be appended to the stream at most; beyond, the
 *     writer waits for the store
 * @param publishBatchRows presence rows per append (one transaction) at most
 */
public record PresenceLimits(int maxOfflineRemembered, int maxClearedRemembered, int publishQueueRows,
        int publishBatchRows) {
    private static final PresenceLimits DEFAULTS = new PresenceLimits(100_000, 10_000, 10_000, 500);

    /** @throws IllegalArgumentException for a bound below 1 */
    public PresenceLimits {
        positive("maxOfflineRemembered", maxOfflineRemembered);
        positive("maxClearedRemembered", maxClearedRemembered);
        positive("publishQueueRows", publishQueueRows);
        positive("publishBatchRows", publishBatchRows);
    }

    /** 100,000 offline users, 10,000 cleared instances, 10,000 rows queued, 500 rows per append. */
    public static PresenceLimits defaults() {
        return DEFAULTS;
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
