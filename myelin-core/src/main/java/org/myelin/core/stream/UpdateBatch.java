package org.myelin.core.stream;

import java.util.List;

/**
 * The answer of an {@link UpdateFunction}.
 *
 * @param rows rows with {@code from < token <= uptoToken}, in token order
 * @param uptoToken how far the answer reaches: the asked {@code upto} when not limited, else the
 *     last token returned (ask again from there)
 * @param limited whether rows were left out because of the limit
 */
public record UpdateBatch(List<StreamRow> rows, long uptoToken, boolean limited) {
    /** Copies the row list. */
    public UpdateBatch {
        rows = List.copyOf(rows);
    }

    /** No rows, up to {@code uptoToken}. */
    public static UpdateBatch empty(long uptoToken) {
        return new UpdateBatch(List.of(), uptoToken, false);
    }
}
