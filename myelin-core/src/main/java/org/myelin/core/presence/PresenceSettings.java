package org.myelin.core.presence;

import java.time.Duration;

/**
 * The presence writer's timeouts.
 *
 * @param syncTimeout how long a user stays online after no instance has them syncing (Synapse: 30 s)
 * @param instanceExpiry how long an instance may stay silent before it is treated as gone, as if it
 *     had sent {@code CLEAR_USER_SYNC} (Synapse: 5 minutes)
 * @param tickInterval how often the program checks both (the library's {@code tick()})
 */
public record PresenceSettings(Duration syncTimeout, Duration instanceExpiry, Duration tickInterval) {
    /** @throws IllegalArgumentException for a zero or negative duration */
    public PresenceSettings {
        requirePositive("sync timeout", syncTimeout);
        requirePositive("instance expiry", instanceExpiry);
        requirePositive("tick interval", tickInterval);
    }

    /** Synapse's timings: 30 s sync timeout, 5 min instance expiry; checked every second. */
    public static PresenceSettings defaults() {
        return new PresenceSettings(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(1));
    }

    static void requirePositive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }
}
