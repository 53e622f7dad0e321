package org.myelin.core.rows;

import org.myelin.protocol.RawJson;

/**
 * A {@code push_rules} row: a user's push rules changed. {@code [user_id]}.
 *
 * @param userId the user_id
 */
public record PushRulesRow(String userId) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "push_rules";

    /** @throws IllegalArgumentException if {@code userId} is null */
    public PushRulesRow {
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
