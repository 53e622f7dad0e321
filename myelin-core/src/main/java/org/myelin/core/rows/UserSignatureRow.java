package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code user_signature} row: a user's cross-signing signatures changed. {@code [user_id]}.
 *
 * @param userId the user_id
 */
public record UserSignatureRow(String userId) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "user_signature";

    /** @throws IllegalArgumentException if {@code userId} is null */
    public UserSignatureRow {
        Require.present("userId", userId);
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(userId).toJson();
    }
}
