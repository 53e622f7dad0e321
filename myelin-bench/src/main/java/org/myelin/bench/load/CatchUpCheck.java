package org.myelin.bench.load;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;

/**
 * The catch-up worker's handler: checks that rows arrive once each and in order (each row carries
 * its sequence number, the rows' order of writing; tokens must only grow), and notes the moment
 * the worker is <em>following live</em>: it has handled every row the writer had acknowledged.
 */
final class CatchUpCheck implements ReplicationDataHandler {
    private final String stream;
    private final LongSupplier acknowledged;
    private final CompletableFuture<Live> followingLive = new CompletableFuture<>();
    private volatile long target = Long.MAX_VALUE;
    private final CompletableFuture<Void> reachedTarget = new CompletableFuture<>();
    private final AtomicLong received = new AtomicLong();
    private volatile String failure;
    private volatile long lastDeliveryNanos;
    private long lastToken;

    /**
     * @param stream the stream followed
     * @param acknowledged how many rows the writer's appends have returned for so far
     */
    CatchUpCheck(String stream, LongSupplier acknowledged) {
        this.stream = stream;
        this.acknowledged = acknowledged;
    }

    @Override
    public void onRows(String stream, String instance, long token, List<RawJson> rows) {
        if (!stream.equals(this.stream)) {
            fail("a row of stream " + stream + " arrived; only " + this.stream + " is followed");
            return;
        }
        if (token <= lastToken) {
            fail("token " + token + " arrived after token " + lastToken);
        }
        lastToken = token;
        for (RawJson row : rows) {
            long expected = received.get();
            long seq = RowFormat.seq(row.text());
            if (seq != expected) {
                fail("row " + seq + " arrived where row " + expected + " was due (token " + token + ")");
            }
            received.incrementAndGet();
        }
        long now = System.nanoTime();
        lastDeliveryNanos = now;
        long count = received.get();
        if (!followingLive.isDone() && count >= acknowledged.getAsLong()) {
            followingLive.complete(new Live(now, count));
        }
        if (count >= target) {
            reachedTarget.complete(null);
        }
    }

    /** When the worker was first following live, and how many rows it had handled then. */
    record Live(long nanos, long rows) {}

    /** Completes once {@code rows} rows were handled. */
    CompletableFuture<Void> rowsReceived(long rows) {
        target = rows;
        if (received.get() >= rows) {
            reachedTarget.complete(null);
        }
        return reachedTarget;
    }

    private void fail(String why) {
        if (failure == null) {
            failure = why;
        }
    }

    /** Completes at the first moment the worker had every row acknowledged so far. */
    CompletableFuture<Live> followingLive() {
        return followingLive;
    }

    /** Rows handled so far. */
    long received() {
        return received.get();
    }

    long lastDeliveryNanos() {
        return lastDeliveryNanos;
    }

    /** @throws BenchFailure if a row was lost, repeated or out of order */
    void verify(long expectedRows) {
        if (failure != null) {
            throw new BenchFailure("catch-up worker: " + failure);
        }
        if (received.get() != expectedRows) {
            throw new BenchFailure("catch-up worker: received " + received.get() + " rows, expected " + expectedRows);
        }
    }
}
