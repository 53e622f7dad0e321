package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code presence} row: a user's presence changed.
 * {@code [user_id, state, last_active_ts, last_federation_update_ts, last_user_sync_ts, status_msg, currently_active]}.
 *
 * @param userId the user
 * @param state {@code online}, {@code unavailable} or {@code offline}
 * @param lastActiveTs epoch ms of the last activity
 * @param lastFederationUpdateTs epoch ms of the last update sent over federation
 * @param lastUserSyncTs epoch ms of the last sync
 * @param statusMsg the status message, or null
 * @param currentlyActive whether the user is currently active
 * @param flavour how the boolean is spelt
 */
public record PresenceRow(String userId, String state, long lastActiveTs, long lastFederationUpdateTs,
        long lastUserSyncTs, String statusMsg, boolean currentlyActive, RowFlavour flavour) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "presence";

    /** @throws IllegalArgumentException if the user id, state or flavour is null */
    public PresenceRow {
        Require.present("userId", userId);
        Require.present("state", state);
        Require.present("flavour", flavour);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour f) {
        return new RowWriter().text(userId).text(state).number(lastActiveTs).number(lastFederationUpdateTs)
                .number(lastUserSyncTs).text(statusMsg).bool(currentlyActive, f).toJson();
    }

    @Override
    public RawJson encode() {
        return encode(flavour);
    }
}
