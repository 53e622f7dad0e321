package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * An {@code account_data} row: a user's global or per-room account data changed.
 * {@code [user_id, room_id|null, data_type]}.
 *
 * @param userId the user
 * @param roomId the room, or null for global account data
 * @param dataType the account data type
 */
public record AccountDataRow(String userId, String roomId, String dataType) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "account_data";

    /** @throws IllegalArgumentException if the user id or data type is null */
    public AccountDataRow {
        Require.present("userId", userId);
        Require.present("dataType", dataType);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(userId).text(roomId).text(dataType).toJson();
    }
}
