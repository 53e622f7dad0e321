package org.myelin.core.inbound;

import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * What a worker does with the rows it receives. Calls for one stream come one at a time, in token
 * order, whether the rows arrived by RDATA or by catch-up; different streams are handled in
 * parallel, so an implementation shared by several streams must be thread-safe.
 */
public interface ReplicationDataHandler {
    /**
     * Rows of {@code stream} written by {@code instance} at {@code token} (several when they shared
     * the token). A thrown exception leaves the token where it was: the link is closed and the rows
     * are fetched again after reconnecting, so nothing is lost.
     */
    void onRows(String stream, String instance, long token, List<RawJson> rows) throws Exception;

    /** The stream is now known to be at {@code token} (after a POSITION, once caught up). */
    default void onPosition(String stream, String instance, long token) throws Exception {}
}
