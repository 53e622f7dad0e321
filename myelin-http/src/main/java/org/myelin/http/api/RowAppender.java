package org.myelin.http.api;

import java.util.List;
import org.myelin.protocol.RawJson;

/** Appends rows to a stream this process writes (such as {@code StreamWriter::append} of {@code myelin-store}). */
@FunctionalInterface
public interface RowAppender {
    /**
     * Appends rows, each with its own token or all sharing one, and returns the tokens given.
     *
     * @throws IllegalArgumentException if the rows or the stream cannot be accepted (answered 400)
     * @throws Exception if the store cannot take them now (answered 503)
     */
    List<Long> append(String stream, List<RawJson> rows, boolean sameToken) throws Exception;
}
