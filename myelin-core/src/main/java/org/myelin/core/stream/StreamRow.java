package org.myelin.core.stream;

import org.myelin.protocol.RawJson;

/**
 * One row of a stream with its token. Several rows may share a token.
 *
 * @param token the stream token (stream id) the row was written at
 * @param row the row as JSON, kept raw until someone reads its fields
 */
public record StreamRow(long token, RawJson row) {
    /** @throws IllegalArgumentException if row is null */
    public StreamRow {
        if (row == null) {
            throw new IllegalArgumentException("row must not be null");
        }
    }
}
