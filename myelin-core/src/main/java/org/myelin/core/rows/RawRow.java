package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A row kept as it came: of a stream without a typed decoder, or of an unexpected shape (a newer
 * Synapse's extra field, say). Encoding gives back the same JSON in either flavour.
 *
 * @param stream the stream name
 * @param row the row as received
 */
public record RawRow(String stream, RawJson row) implements SynapseRow {
    /** @throws IllegalArgumentException if a field is null */
    public RawRow {
        Require.present("stream", stream);
        Require.present("row", row);
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return row;
    }
}
