package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code federation} row: something for the federation sender. {@code [type, data]}.
 *
 * @param type the row type, such as {@code e} (EDU)
 * @param data the payload as received
 */
public record FederationRow(String type, RawJson data) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "federation";

    /** @throws IllegalArgumentException if a field is null */
    public FederationRow {
        Require.present("type", type);
        Require.present("data", data);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(type).raw(data).toJson();
    }
}
