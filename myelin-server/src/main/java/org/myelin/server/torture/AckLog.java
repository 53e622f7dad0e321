package org.myelin.server.torture;

import java.util.Arrays;

/**
 * The token the main acknowledged for each written sequence number (sequence numbers are dense,
 * from 0), in a growable array: eight bytes a row, so hours of load stay small.
 */
final class AckLog {
    private long[] tokens = new long[1 << 16];
    private long written;

    /** Records that rows {@code first ... first+tokens.length-1} were acknowledged with these tokens. */
    synchronized void acknowledged(long first, long[] rowTokens) {
        long end = first + rowTokens.length;
        if (end > tokens.length) {
            long size = Math.max(end, tokens.length * 2L);
            if (size > Integer.MAX_VALUE - 8) {
                throw new TortureFailure("too many rows for one run: " + end);
            }
            int old = tokens.length;
            tokens = Arrays.copyOf(tokens, (int) size);
            Arrays.fill(tokens, old, tokens.length, 0);
        }
        System.arraycopy(rowTokens, 0, tokens, (int) first, rowTokens.length);
        written = Math.max(written, end);
    }

    /** Rows acknowledged (sequence numbers {@code 0 ... acknowledged()-1}). */
    synchronized long acknowledged() {
        return written;
    }

    /** The token acknowledged for {@code seq}, or 0 when it was not. */
    synchronized long token(long seq) {
        return seq < written ? tokens[(int) seq] : 0;
    }
}
