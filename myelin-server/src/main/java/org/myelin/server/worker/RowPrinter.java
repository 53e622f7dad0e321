package org.myelin.server.worker;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * Prints every row as one JSON line {@code {"stream":..,"instance":..,"token":..,"row":..}}.
 * Streams are handled in parallel, so lines are written under a lock.
 *
 * <p>Output is buffered, not flushed per token: a catch-up of a million rows would otherwise make
 * a million small writes (a few thousand rows a second through a pipe). Lines are flushed at the
 * latest {@link #MAX_DELAY_MS} ms after the first unflushed one was written (so a live row still
 * leaves at once, for a human eye), as soon as {@link #FLUSH_BYTES} are waiting, and on
 * {@link #flush()}.
 *
 * <p>Output errors are checked after every flush ({@link PrintWriter} would swallow them): once
 * writing failed (a closed pipe, a full disk) nothing more is printed, the handler fails so the
 * token does not move, and {@link #failure()} completes so the worker stops. A position is
 * reported to {@link Printed} only after its rows were flushed without error, so a state file fed
 * from it never claims a row that was not written.
 */
final class RowPrinter implements ReplicationDataHandler, AutoCloseable {
    /** The longest a written line waits for its flush. */
    static final long MAX_DELAY_MS = 2;
    /** Characters written since the last flush beyond which the writer flushes at once. */
    static final int FLUSH_BYTES = 64 * 1024;

    private final PrintWriter out;
    private final Printed printed;
    private final CompletableFuture<Void> failure = new CompletableFuture<>();
    private final ScheduledExecutorService flusher;
    /** Positions whose rows are written but not yet flushed, per stream then instance; guarded by out. */
    private final Map<String, Map<String, Long>> unflushed = new HashMap<>();
    /** Lines not yet handed to {@link #out}, written to it in one call per flush; guarded by out. */
    private final StringBuilder buffer = new StringBuilder(FLUSH_BYTES + 4096);
    /** The start of a line up to the token, per stream then instance; guarded by out. */
    private final Map<String, Map<String, String>> heads = new HashMap<>();
    /** Whether a delayed flush is scheduled; guarded by out. */
    private boolean flushScheduled;

    RowPrinter(PrintWriter out) {
        this(out, (stream, instance, token) -> {});
    }

    RowPrinter(PrintWriter out, Printed printed) {
        this.out = out;
        this.printed = printed;
        this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "worker-output-flush");
            t.setDaemon(true);
            return t;
        });
    }

    /** Completes exceptionally once standard output failed. */
    CompletionStage<Void> failure() {
        return failure;
    }

    @Override
    public void onRows(String stream, String instance, long token, List<RawJson> rows) throws IOException {
        synchronized (out) {
            checkNotFailed();
            String head = heads.computeIfAbsent(stream, s -> new HashMap<>()).computeIfAbsent(instance,
                    i -> "{\"stream\":" + quote(stream) + ",\"instance\":" + quote(i) + ",\"token\":");
            for (RawJson row : rows) {
                buffer.append(head).append(token).append(",\"row\":").append(row.canonicalText()).append("}\n");
            }
            written(stream, instance, token);
        }
    }

    @Override
    public void onPosition(String stream, String instance, long token) throws IOException {
        synchronized (out) {
            checkNotFailed(); // not past a failed output
            written(stream, instance, token); // reported once the rows before it are flushed
        }
    }

    /** Notes a position whose rows are written; flushes now when much waits, else soon. Holds out. */
    private void written(String stream, String instance, long token) throws IOException {
        unflushed.computeIfAbsent(stream, s -> new HashMap<>()).put(instance, token);
        if (buffer.length() >= FLUSH_BYTES) {
            flushHeld();
        } else if (!flushScheduled) {
            flushScheduled = true;
            try {
                flusher.schedule(this::flushQuietly, MAX_DELAY_MS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                flushHeld(); // closing: no timer any more, flush here
            }
        }
    }

    /**
     * Flushes what was written and reports the positions it covers.
     *
     * @throws IOException if the output failed (then nothing more is reported)
     */
    void flush() throws IOException {
        synchronized (out) {
            flushHeld();
        }
    }

    private void flushHeld() throws IOException {
        flushScheduled = false;
        if (unflushed.isEmpty()) {
            return;
        }
        out.append(buffer);
        buffer.setLength(0);
        checkOutput(); // PrintWriter.checkError flushes, then tells whether anything failed
        unflushed.forEach((stream, perInstance) -> perInstance.forEach((instance, token) ->
                printed.printed(stream, instance, token)));
        unflushed.clear();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (IOException e) {
            // failure() is complete: the worker stops with status 1
        }
    }

    /** Flushes what is left and stops the flush timer. */
    @Override
    public void close() {
        flusher.shutdown();
        flushQuietly();
    }

    /** Fails once the output failed; never flushes (unlike {@link PrintWriter#checkError}). */
    private void checkNotFailed() throws IOException {
        if (failure.isDone()) {
            throw new IOException("writing to standard output failed (closed by its reader?)");
        }
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
