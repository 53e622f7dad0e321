package org.myelin.core.presence;

import java.util.Arrays;
import org.myelin.protocol.RawJson;

/**
 * One row of the {@code presence} stream, in Synapse's field order: {@code [user_id, state,
 * last_active_ts, last_federation_update_ts, last_user_sync_ts, status_msg, currently_active]}.
 *
 * @param userId the Matrix user id
 * @param state {@code online} or {@code offline}
 * @param lastActiveTs when the user was last active, epoch ms
 * @param lastFederationUpdateTs when this state was last changed, epoch ms
 * @param lastUserSyncTs when the user last synced on any instance, epoch ms
 * @param statusMsg the status message, or {@code null}
 * @param currentlyActive whether the user is active now
 */
public record PresenceRow(String userId, String state, long lastActiveTs, long lastFederationUpdateTs,
        long lastUserSyncTs, String statusMsg, boolean currentlyActive) {
    /** The state of a user who is syncing somewhere. */
    public static final String ONLINE = "online";
    /** The state of a user who stopped syncing everywhere more than the sync timeout ago. */
    public static final String OFFLINE = "offline";

    /**
     * The row as JSON, booleans as {@code 0}/{@code 1} as an SQLite-backed Synapse writes them (every
     * reader of rows accepts both forms).
     */
    public RawJson toJson() {
        return RawJson.fromValue(Arrays.asList(userId, state, lastActiveTs, lastFederationUpdateTs, lastUserSyncTs,
                statusMsg, currentlyActive ? 1 : 0));
    }
}
