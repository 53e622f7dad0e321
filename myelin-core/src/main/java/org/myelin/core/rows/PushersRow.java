package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code pushers} row: a pusher was added, changed or deleted. {@code [user_id, app_id, pushkey, deleted]}.
 *
 * @param userId the user
 * @param appId the pusher's app id
 * @param pushkey the pusher's push key
 * @param deleted whether the pusher was deleted
 * @param flavour how the boolean is spelt
 */
public record PushersRow(String userId, String appId, String pushkey, boolean deleted, RowFlavour flavour)
        implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "pushers";

    /** @throws IllegalArgumentException if a field is null */
    public PushersRow {
        Require.present("userId", userId);
        Require.present("appId", appId);
        Require.present("pushkey", pushkey);
        Require.present("flavour", flavour);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour f) {
        return new RowWriter().text(userId).text(appId).text(pushkey).bool(deleted, f).toJson();
    }

    @Override
    public RawJson encode() {
        return encode(flavour);
    }
}
