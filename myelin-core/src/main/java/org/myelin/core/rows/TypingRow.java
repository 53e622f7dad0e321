package org.myelin.core.rows;

import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * A {@code typing} row: who is typing in a room now. {@code [room_id, [user_id, ...]]}.
 *
 * @param roomId the room
 * @param userIds the users typing, possibly none
 */
public record TypingRow(String roomId, List<String> userIds) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "typing";

    /**
     * Copies the list.
     *
     * @throws IllegalArgumentException if a field or a user id is null
     */
    public TypingRow {
        Require.present("roomId", roomId);
        userIds = Require.texts("userIds", userIds);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(roomId).texts(userIds).toJson();
    }
}
