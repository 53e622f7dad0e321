package org.myelin.core.clientip;

import java.time.Duration;

/**
 * How {@link UserIpRecorder} throttles {@code USER_IP} writes.
 *
 * @param interval the least time between two writes of one key (user, access token, ip); Synapse's
 *     is 2 minutes
 * @param maxKeys keys written recently remembered at most (about 100 bytes each plus the strings);
 *     a key forgotten early costs at most one extra write
 */
public record UserIpSettings(Duration interval, int maxKeys) {
    private static final UserIpSettings DEFAULTS = new UserIpSettings(Duration.ofMinutes(2), 100_000);

    /** @throws IllegalArgumentException for a negative interval or a bound below 1 */
    public UserIpSettings {
        if (interval == null || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be zero or positive, got " + interval);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive, got " + maxKeys);
        }
    }

    /** Synapse's 2-minute interval; 100,000 keys remembered. */
    public static UserIpSettings defaults() {
        return DEFAULTS;
    }
}
