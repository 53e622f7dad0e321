package org.myelin.core.stream;

import java.util.ArrayList;
import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * Rows sharing one token: the unit that is handled together (a {@code batch} run of RDATA ended
 * by a numbered one, or consecutive rows of a catch-up answer).
 *
 * @param token the shared token
 * @param rows the rows in stream order, never empty
 */
public record TokenGroup(long token, List<RawJson> rows) {
    /** Copies the rows; refuses an empty group. */
    public TokenGroup {
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a token group has at least one row");
        }
    }

    /** Groups consecutive rows with equal tokens, keeping their order. */
    public static List<TokenGroup> of(List<StreamRow> rows) {
        List<TokenGroup> groups = new ArrayList<>();
        List<RawJson> current = new ArrayList<>();
        long token = 0;
        for (StreamRow row : rows) {
            if (!current.isEmpty() && row.token() != token) {
                groups.add(new TokenGroup(token, current));
                current = new ArrayList<>();
            }
            token = row.token();
            current.add(row.row());
        }
        if (!current.isEmpty()) {
            groups.add(new TokenGroup(token, current));
        }
        return groups;
    }
}
