package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * An {@code events} row of type {@code ev}: an event was persisted.
 * {@code ["ev", [event_id, room_id, type, state_key, redacts, relates_to, membership, rejected, outlier]]}.
 *
 * @param eventId the event id
 * @param roomId the room
 * @param eventType the event type, such as {@code m.room.message}
 * @param stateKey the state key, null for a non-state event
 * @param redacts the event this one redacts, or null
 * @param relatesTo the event this one relates to, or null
 * @param membership the membership of a member event, or null
 * @param rejected whether the event was rejected
 * @param outlier whether the event is an outlier
 * @param flavour how the booleans are spelt
 */
public record EventRow(String eventId, String roomId, String eventType, String stateKey, String redacts,
        String relatesTo, String membership, boolean rejected, boolean outlier, RowFlavour flavour)
        implements EventsRow {
    /** The type tag on the wire. */
    public static final String TYPE = "ev";

    /** @throws IllegalArgumentException if the event id, room id, event type or flavour is null */
    public EventRow {
        Require.present("eventId", eventId);
        Require.present("roomId", roomId);
        Require.present("eventType", eventType);
        Require.present("flavour", flavour);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public RawJson encode(RowFlavour f) {
        RowWriter data = new RowWriter().text(eventId).text(roomId).text(eventType).text(stateKey)
                .text(redacts).text(relatesTo).text(membership).bool(rejected, f).bool(outlier, f);
        return new RowWriter().text(TYPE).node(data.tree()).toJson();
    }

    @Override
    public RawJson encode() {
        return encode(flavour);
    }
}
