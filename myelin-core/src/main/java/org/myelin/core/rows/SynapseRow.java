package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * One row of a Synapse stream, typed by stream (PROTOCOL.md section 9). {@link SynapseRows#decode}
 * makes them from received rows; a row of an unknown stream or of an unexpected shape is a
 * {@link RawRow}, so nothing is ever lost.
 *
 * <p>Rows holding booleans remember the {@link RowFlavour} they were read in: {@link #encode()}
 * gives back the bytes that were decoded, {@link #encode(RowFlavour)} writes what a Synapse of that
 * flavour would.
 */
public sealed interface SynapseRow
        permits EventsRow, BackfillRow, PresenceRow, PresenceFederationRow, TypingRow, ReceiptRow,
                PushRulesRow, PushersRow, CachesRow, DeviceListsRow, ToDeviceRow, TagAccountDataRow,
                AccountDataRow, UserSignatureRow, FederationRow, RawRow {

    /** The stream this row belongs to, such as {@code events}. */
    String stream();

    /**
     * The row as JSON, booleans spelt as {@code flavour} does (rows without booleans, and raw rows,
     * are the same in both flavours).
     */
    RawJson encode(RowFlavour flavour);

    /** The row as JSON in the flavour it was decoded in (or built with). */
    default RawJson encode() {
        return encode(RowFlavour.POSTGRES);
    }
}
