package org.myelin.bench.fanout;

/**
 * The rows of the fan-out bench: {@code [seq,sentNanos,"padding"]}, about {@code rowBytes} long
 * (143 by default, the size of the rows). {@code sentNanos} is the {@link System#nanoTime()}
 * at which the row was meant to be written (0 in throughput runs): the reader process reads it to
 * measure latency (on Linux both JVMs read the same monotonic clock).
 */
final class FanoutRows {
    private final String padding;

    FanoutRows(int rowBytes) {
        int fixed = "[123456,12345678901234567,\"\"]".length();
        this.padding = "x".repeat(Math.max(0, rowBytes - fixed));
    }

    String row(long seq, long sentNanos) {
        return "[" + seq + "," + sentNanos + ",\"" + padding + "\"]";
    }
}
