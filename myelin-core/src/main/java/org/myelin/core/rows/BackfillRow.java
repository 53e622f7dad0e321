package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code backfill} row: an event fetched from the past was persisted (its token is negative
 * upstream). {@code [event_id, room_id, type, state_key, redacts, relates_to]}.
 *
 * @param eventId the event id
 * @param roomId the room
 * @param eventType the event type
 * @param stateKey the state key, or null
 * @param redacts the redacted event, or null
 * @param relatesTo the related event, or null
 */
public record BackfillRow(String eventId, String roomId, String eventType, String stateKey, String redacts,
        String relatesTo) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "backfill";

    /** @throws IllegalArgumentException if the event id, room id or event type is null */
    public BackfillRow {
        Require.present("eventId", eventId);
        Require.present("roomId", roomId);
        Require.present("eventType", eventType);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(eventId).text(roomId).text(eventType).text(stateKey).text(redacts)
                .text(relatesTo).toJson();
    }
}
