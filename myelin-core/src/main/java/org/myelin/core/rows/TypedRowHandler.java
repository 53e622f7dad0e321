package org.myelin.core.rows;

import java.util.List;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;

/**
 * A {@link ReplicationDataHandler} that takes typed rows: {@link #asDataHandler()} decodes each
 * token group with {@link SynapseRows#decode} before calling {@link #onRows}. Same threading and
 * failure rules as {@link ReplicationDataHandler}.
 */
@FunctionalInterface
public interface TypedRowHandler {
    /** Rows of {@code stream} written by {@code instance} at {@code token}, decoded. */
    void onRows(String stream, String instance, long token, List<SynapseRow> rows) throws Exception;

    /** The stream is now known to be at {@code token}. */
    default void onPosition(String stream, String instance, long token) throws Exception {}

    /** This handler as the engine takes it. */
    default ReplicationDataHandler asDataHandler() {
        TypedRowHandler typed = this;
        return new ReplicationDataHandler() {
            @Override
            public void onRows(String stream, String instance, long token,
                    List<RawJson> rows) throws Exception {
                typed.onRows(stream, instance, token, SynapseRows.decodeAll(stream, rows));
            }

            @Override
            public void onPosition(String stream, String instance, long token) throws Exception {
                typed.onPosition(stream, instance, token);
            }
        };
    }
}
