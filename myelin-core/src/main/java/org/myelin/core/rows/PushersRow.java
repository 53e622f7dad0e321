package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code pushers} row: a pusher was added, changed or deleted. {@code [user_id, app_id, pushkey, deleted]}.
 *
 * <p>Synapse adds {@code deleted} in Python, not from a column, so it writes {@code false}/{@code true}
 * whatever its database: {@link #encode(RowFlavour)} does the same in both flavours. A row read with
 * {@code 0}/{@code 1} remembers it, and {@link #encode()} gives those bytes back.
 *
 * @param userId the user
 * @param appId the pusher's app id
 * @param pushkey the pusher's push key
 * @param deleted whether the pusher was deleted
 * @param flavour how the boolean was spelt when read ({@code SQLITE}: {@code 0}/{@code 1})
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

    /** As Synapse writes it in either flavour: {@code deleted} as {@code false}/{@code true}. */
    @Override
    public RawJson encode(RowFlavour f) {
        return write(RowFlavour.POSTGRES);
    }

    @Override
    public RawJson encode() {
        return write(flavour);
    }

    private RawJson write(RowFlavour spelling) {
        return new RowWriter().text(userId).text(appId).text(pushkey).bool(deleted, spelling).toJson();
    }
}
