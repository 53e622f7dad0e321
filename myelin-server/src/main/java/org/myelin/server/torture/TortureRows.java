package org.myelin.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The rows the harness writes: {@code ["torture",SEQ,"PAD"]}, where {@code SEQ} is unique per
 * written row (a retried write reuses its sequence numbers) and the padding is derived from it, so
 * a row's whole content can be checked from its number alone.
 */
final class TortureRows {
    /**
     * The streams the harness writes and every worker follows: two of Synapse's, which the main
     * announces from the start, so that a worker's resume is exercised per (stream, instance).
     */
    static final List<String> STREAMS = List.of("events", "receipts");
    /** The writer instance of every stream (the main). */
    static final String INSTANCE = "master";

    private TortureRows() {
    }

    /** The JSON text of row {@code seq}. */
    static String row(long seq) {
        return "[\"torture\"," + seq + ",\"" + pad(seq) + "\"]";
    }

    /** The sequence number of a row, or -1 when it is not exactly a row this harness wrote. */
    static long seqOf(JsonNode row) {
        if (row == null || !row.isArray() || row.size() != 3 || !"torture".equals(row.get(0).asText())
                || !row.get(1).canConvertToLong()) {
            return -1;
        }
        long seq = row.get(1).asLong();
        return seq >= 0 && pad(seq).equals(row.get(2).asText()) ? seq : -1;
    }

    private static String pad(long seq) {
        // about the size of a small Synapse events row
        return "row-" + seq + "-" + "x".repeat((int) (40 + seq % 60));
    }
}
