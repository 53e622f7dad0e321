package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code device_lists} row: the devices of a user (or a remote server, for outbound pokes) changed. {@code [entity]}.
 *
 * @param entity the entity
 */
public record DeviceListsRow(String entity) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "device_lists";

    /** @throws IllegalArgumentException if {@code entity} is null */
    public DeviceListsRow {
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
