package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code receipts} row as Synapse 1.66 writes it: {@code [room_id, receipt_type, user_id, event_id, data]}.
 * (Newer releases add a thread id; such rows decode as {@link RawRow}s for now.)
 *
 * @param roomId the room
 * @param receiptType such as {@code m.read}
 * @param userId the user
 * @param eventId the event read
 * @param data the receipt's data object, such as {@code {"ts":...}}, as received
 */
public record ReceiptRow(String roomId, String receiptType, String userId, String eventId, RawJson data)
        implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "receipts";

    /** @throws IllegalArgumentException if a field is null */
    public ReceiptRow {
        Require.present("roomId", roomId);
        Require.present("receiptType", receiptType);
        Require.present("userId", userId);
        Require.present("eventId", eventId);
        Require.present("data", data);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(roomId).text(receiptType).text(userId).text(eventId).raw(data).toJson();
    }
}
