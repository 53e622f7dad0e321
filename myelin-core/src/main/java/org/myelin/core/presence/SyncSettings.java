package org.myelin.core.presence;

import java.time.Duration;

/**
 * The worker side's timings.
 *
 * @param endDelay how long after a user's last sync stops {@code USER_SYNC end} is sent; a sync that
 *     starts again meanwhile sends nothing (Synapse: 10 s)
 * @param refreshInterval how often {@code USER_SYNC start} is sent again for every syncing user, so
 *     the writer never expires a live instance and rebuilds its table after a restart even on a
 *     transport whose link survives it (Redis); must be well under the writer's instance expiry
 * @param tickInterval how often the program checks both (the library's {@code tick()})
 */
public record SyncSettings(Duration endDelay, Duration refreshInterval, Duration tickInterval) {
    /** @throws IllegalArgumentException for a zero or negative duration */
    public SyncSettings {
        PresenceSettings.requirePositive("end delay", endDelay);
        PresenceSettings.requirePositive("refresh interval", refreshInterval);
        PresenceSettings.requirePositive("tick interval", tickInterval);
    }

    /** 10 s end delay, a refresh every minute (the writer expires after 5), checked every second. */
    public static SyncSettings defaults() {
        return new SyncSettings(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofSeconds(1));
    }
}
