package org.myelin.bench.load;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;

/**
 * One reader's record of the rows it was handed: checks that they come exactly once and in the
 * order written, and keeps each row's write-to-delivery latency.
 *
 * <p>It never throws from {@link #onRows}: a throwing handler makes the engine fetch the rows again,
 * which would hide the very duplicates and gaps this class is there to catch. Problems are recorded
 * and reported by {@link #verify()} instead.
 */
final class DeliveryRecorder implements ReplicationDataHandler {
    private final String name;
    private final String stream;
    private final long[] latencies;
    private final CountDownLatch allReceived;
    private int received;
    private long lastToken;
    private long lastDeliveryNanos;
    private String firstProblem;
    private long problems;

    /**
     * @param name the reader's name, for messages
     * @param stream the stream whose rows are counted (others are ignored)
     * @param expectedRows how many rows the writer writes
     * @param allReceived counted down once when the last expected row arrives
     */
    DeliveryRecorder(String name, String stream, int expectedRows, CountDownLatch allReceived) {
        this.name = name;
        this.stream = stream;
        this.latencies = new long[expectedRows];
        this.allReceived = allReceived;
    }

    // synchronized: calls come one at a time, but not always from the same thread
    @Override
    public synchronized void onRows(String stream, String instance, long token, List<RawJson> rows) {
        long now = System.nanoTime();
        if (!this.stream.equals(stream)) {
            return;
        }
        if (token <= lastToken) {
            problem("token " + token + " delivered after token " + lastToken);
        }
        lastToken = Math.max(lastToken, token);
        for (RawJson row : rows) {
            String text = row.text();
            long seq = RowFormat.seq(text);
            if (seq != received) {
                problem("expected row " + received + " but got row " + seq + " (token " + token + ")");
                continue;
            }
            if (received >= latencies.length) {
                problem("row beyond the " + latencies.length + " written: " + seq);
                continue;
            }
            latencies[received++] = now - RowFormat.writeNanos(text);
        }
        lastDeliveryNanos = now;
        if (received == latencies.length) {
            allReceived.countDown();
        }
    }

    private void problem(String what) {
        problems++;
        if (firstProblem == null) {
            firstProblem = name + ": " + what;
        }
    }

    /** The reader's name. */
    String name() {
        return name;
    }

    /** How many rows arrived in order so far. */
    synchronized int received() {
        return received;
    }

    /** When the last row arrived ({@link System#nanoTime()}). */
    synchronized long lastDeliveryNanos() {
        return lastDeliveryNanos;
    }

    /** The latencies of the rows received, in nanoseconds, in row order. */
    synchronized long[] latencies() {
        return java.util.Arrays.copyOf(latencies, received);
    }

    /**
     * @throws BenchFailure if a row came twice, out of order, or never
     */
    synchronized void verify() {
        if (firstProblem != null) {
            throw new BenchFailure("exactly-once, in-order delivery violated " + problems + " time(s); first: "
                    + firstProblem);
        }
        if (received != latencies.length) {
            throw new BenchFailure(name + " received " + received + " of " + latencies.length + " rows");
        }
    }
}
