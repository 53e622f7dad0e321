package org.myelin.store;

import java.util.ArrayList;
import java.util.List;
import org.myelin.protocol.RawJson;

/** What every store does to rows before writing them, so that all stores accept the same rows. */
public final class StoredRows {
    private StoredRows() {}

    /**
     * Checks and canonicalises rows before a transaction, so that a bad row fails the call without
     * using a token. Each row is parsed: text that only looks compact ({@code ["a",}) must never be
     * stored, or every reader would meet it as a poison row.
     *
     * @return the rows' compact ASCII-escaped texts, in order
     * @throws IllegalArgumentException naming the row if one is null or not valid JSON, or if
     *     {@code rows} is null
     */
    public static List<String> canonical(List<RawJson> rows) {
        if (rows == null) {
            throw new IllegalArgumentException("rows must be a list, not null");
        }
        List<String> texts = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            RawJson row = rows.get(i);
            if (row == null) {
                throw new IllegalArgumentException("row " + i + " is null");
            }
            try {
                row.tree();
                texts.add(row.canonicalText());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("row " + i + " is not valid JSON: " + e.getMessage(), e);
            }
        }
        return texts;
    }
}
