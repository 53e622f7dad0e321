package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * An {@code events} row of type {@code state}: the current state of a room changed.
 * {@code ["state", [room_id, type, state_key, event_id]]}.
 *
 * @param roomId the room
 * @param eventType the state event type
 * @param stateKey the state key
 * @param eventId the event now current, or null when the state was removed
 */
public record StateRow(String roomId, String eventType, String stateKey, String eventId) implements EventsRow {
    /** The type tag on the wire. */
    public static final String TYPE = "state";

    /** @throws IllegalArgumentException if the room id, event type or state key is null */
    public StateRow {
        Require.present("roomId", roomId);
        Require.present("eventType", eventType);
        Require.present("stateKey", stateKey);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        RowWriter data = new RowWriter().text(roomId).text(eventType).text(stateKey).text(eventId);
        return new RowWriter().text(TYPE).node(data.tree()).toJson();
    }
}
