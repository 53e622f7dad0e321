package org.myelin.bench.load;

/**
 * The rows the benchmark writes: {@code [seq,writeNanos,"padding"]}, a JSON array as Synapse's rows
 * are, carrying the row's sequence number (to check order and exactly-once) and the
 * {@link System#nanoTime()} of its append call (to measure write-to-delivery latency within one JVM).
 */
final class RowFormat {
    /** The shortest row we can make: two 19-digit numbers, brackets, commas and an empty string. */
    static final int MIN_BYTES = 44;

    private final String padding;

    /** @param rowBytes the approximate size of each row's text */
    RowFormat(int rowBytes) {
        // sequence numbers and nano times are usually shorter than 19 digits; size for a typical row
        int fixed = "[12345,123456789012345,\"\"]".length();
        this.padding = "x".repeat(Math.max(0, rowBytes - fixed));
    }

    /** The text of row {@code seq} appended at {@code writeNanos}. */
    String row(long seq, long writeNanos) {
        return "[" + seq + "," + writeNanos + ",\"" + padding + "\"]";
    }

    /** The sequence number of a row made by {@link #row}. */
    static long seq(String text) {
        int comma = text.indexOf(',');
        return Long.parseLong(text, 1, comma, 10);
    }

    /** The write time of a row made by {@link #row}. */
    static long writeNanos(String text) {
        int first = text.indexOf(',');
        int second = text.indexOf(',', first + 1);
        return Long.parseLong(text, first + 1, second, 10);
    }
}
