package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code to_device} row: to-device messages wait for a user (or a remote server). {@code [entity]}.
 *
 * @param entity the entity
 */
public record ToDeviceRow(String entity) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "to_device";

    /** @throws IllegalArgumentException if {@code entity} is null */
    public ToDeviceRow {
        Require.present("entity", entity);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(entity).toJson();
    }
}
