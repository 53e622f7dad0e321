package org.myelin.core.presence;

import java.util.Set;

/**
 * What the presence writer knows of a user now.
 *
 * @param row the user's current presence, as the last row published (with {@code last_user_sync_ts}
 *     current while an instance holds them)
 * @param instances the instances on which the user is syncing now
 */
public record UserPresence(PresenceRow row, Set<String> instances) {
    /** Copies the set. */
    public UserPresence {
        instances = Set.copyOf(instances);
    }
}
