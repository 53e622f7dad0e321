package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code receipts} row: {@code [room_id, receipt_type, user_id, event_id, data]} as Synapse 1.66
 * writes it, or {@code [room_id, receipt_type, user_id, event_id, thread_id|null, data]} as releases
 * with threaded receipts do. Which form was read is kept in {@code withThreadId}, so the
 * row encodes back the same way.
 *
 * @param roomId the room
 * @param receiptType such as {@code m.read}
 * @param userId the user
 * @param eventId the event read
 * @param threadId the thread of a threaded receipt, or null (always null without the field)
 * @param data the receipt's data object, such as {@code {"ts":...}}, as received
 * @param withThreadId whether the row has the {@code thread_id} field (the newer form)
 */
public record ReceiptRow(String roomId, String receiptType, String userId, String eventId, String threadId,
        RawJson data, boolean withThreadId) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "receipts";

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException if a required field is null, or a thread id is given for the
     *     form without the field
     */
    public ReceiptRow {
        Require.present("roomId", roomId);
        Require.present("receiptType", receiptType);
        Require.present("userId", userId);
        Require.present("eventId", eventId);
        Require.present("data", data);
        if (threadId != null && !withThreadId) {
            throw new IllegalArgumentException("a thread id needs the form with the thread_id field");
        }
    }

    /** A row in Synapse 1.66's form, without a thread id. */
    public ReceiptRow(String roomId, String receiptType, String userId, String eventId, RawJson data) {
        this(roomId, receiptType, userId, eventId, null, data, false);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        RowWriter w = new RowWriter().text(roomId).text(receiptType).text(userId).text(eventId);
        if (withThreadId) {
            w.text(threadId);
        }
        return w.raw(data).toJson();
    }
}
