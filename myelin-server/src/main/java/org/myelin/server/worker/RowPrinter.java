package org.myelin.server.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * Prints every row as one JSON line {@code {"stream":..,"instance":..,"token":..,"row":..}}.
 * Streams are handled in parallel, so lines are written under a lock and flushed per token.
 *
 * <p>Output errors are checked after every flush ({@link PrintWriter} would swallow them): once
 * writing failed (a closed pipe, a full disk) nothing more is printed, the handler fails so the
 * token does not move, and {@link #failure()} completes so the worker stops. A position is
 * reported to {@link Printed} only after its rows were flushed without error.
 */
final class RowPrinter implements ReplicationDataHandler {
    private final PrintWriter out;
    private final Printed printed;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();

    RowPrinter(PrintWriter out) {
        this(out, (stream, instance, token) -> {});
    }

    RowPrinter(PrintWriter out, Printed printed) {
        this.out = out;
        this.printed = printed;
    }

    /** Completes exceptionally once standard output failed. */
    CompletionStage<Void> failure() {
        return failure;
    }

    @Override
    public void onRows(String stream, String instance, long token, List<RawJson> rows) throws IOException {
        String prefix = "{\"stream\":" + quote(stream) + ",\"instance\":" + quote(instance) + ",\"token\":" + token
                + ",\"row\":";
        synchronized (out) {
            checkOutput();
            for (RawJson row : rows) {
                out.print(prefix);
                out.print(row.canonicalText());
                out.print("}\n");
            }
            out.flush();
            checkOutput();
        }
        printed.printed(stream, instance, token);
    }

    @Override
    public void onPosition(String stream, String instance, long token) throws IOException {
        synchronized (out) {
            checkOutput(); // every row before this position was flushed; still, not past a failed output
        }
        printed.printed(stream, instance, token);
    }

    private void checkOutput() throws IOException {
        if (failure.isDone() || out.checkError()) {
            IOException e = new IOException("writing to standard output failed (closed by its reader?)");
            failure.completeExceptionally(e);
            throw e;
        }
    }

    private static String quote(String s) {
        return Json.write(Json.mapper().getNodeFactory().textNode(s));
    }

    /** Learns the last token whose rows are out (flushed), per (stream, instance). */
    @FunctionalInterface
    interface Printed {
        void printed(String stream, String instance, long token);
    }
}
