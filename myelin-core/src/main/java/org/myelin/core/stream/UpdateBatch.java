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

    /**
     * One page of rows as every {@link UpdateFunction} answers: about {@code limit} rows, never
     * splitting the rows of a token; limited only when rows in range are left out, and then up to
     * the last token returned.
     *
     * @param rowsAfterFrom the rows with a token above the asked {@code from}, in token order (those
     *     above {@code uptoToken} are not read)
     */
    public static UpdateBatch page(java.util.Iterator<StreamRow> rowsAfterFrom, long uptoToken, int limit) {
        List<StreamRow> out = new java.util.ArrayList<>(Math.min(limit, 128));
        while (rowsAfterFrom.hasNext()) {
            StreamRow row = rowsAfterFrom.next();
            if (row.token() > uptoToken) {
                break;
            }
            if (out.size() >= limit && row.token() != out.get(out.size() - 1).token()) {
                return new UpdateBatch(out, out.get(out.size() - 1).token(), true);
            }
            out.add(row);
        }
        return new UpdateBatch(out, uptoToken, false);
    }

    /** No rows, up to {@code uptoToken}. */
    public static UpdateBatch empty(long uptoToken) {
        return new UpdateBatch(List.of(), uptoToken, false);
    }
}
