package org.myelin.core.rows;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * A {@code tag_account_data} row: a user's tags on a room changed. {@code [user_id, room_id, data]}.
 * Synapse 1.66 sends {@code data} as a JSON string holding the tags object; it is kept as it came
 * (string or object), see {@link #tags()}.
 *
 * @param userId the user
 * @param roomId the room
 * @param data the tags as received: a JSON string holding an object, or an object
 */
public record TagAccountDataRow(String userId, String roomId, RawJson data) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "tag_account_data";

    /** @throws IllegalArgumentException if a field is null */
    public TagAccountDataRow {
        Require.present("userId", userId);
        Require.present("roomId", roomId);
        Require.present("data", data);
    }

    /**
     * The tags object, unwrapped from its string form when sent as one.
     *
     * @throws org.myelin.protocol.ProtocolException if the string does not hold valid JSON
     */
    public RawJson tags() {
        JsonNode tree = data.tree();
        return tree.isTextual() ? RawJson.fromTree(Json.parse(tree.textValue())) : data;
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(userId).text(roomId).raw(data).toJson();
    }
}
