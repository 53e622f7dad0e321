package org.myelin.server.worker;

import java.io.PrintWriter;
import java.util.List;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.Json;

/**
 * Prints every row as one JSON line {@code {"stream":..,"instance":..,"token":..,"row":..}}.
 * Streams are handled in parallel, so lines are written under a lock and flushed per token.
 */
final class RowPrinter implements ReplicationDataHandler {
    private final PrintWriter out;

    RowPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onRows(String stream, String instance, long token, List<RawJson> rows) {
        String prefix = "{\"stream\":" + quote(stream) + ",\"instance\":" + quote(instance) + ",\"token\":" + token
                + ",\"row\":";
        synchronized (out) {
            for (RawJson row : rows) {
                out.print(prefix);
                out.print(row.canonicalText());
                out.print("}\n");
            }
            out.flush();
        }
    }

    private static String quote(String s) {
        return Json.write(Json.mapper().getNodeFactory().textNode(s));
    }
}
