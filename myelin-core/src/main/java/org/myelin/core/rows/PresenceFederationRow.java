package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code presence_federation} row: a user's presence is to be sent to a server.
 * {@code [destination, user_id]}.
 *
 * @param destination the remote server
 * @param userId the user
 */
public record PresenceFederationRow(String destination, String userId) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "presence_federation";

    /** @throws IllegalArgumentException if a field is null */
    public PresenceFederationRow {
        Require.present("destination", destination);
        Require.present("userId", userId);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(destination).text(userId).toJson();
    }
}
