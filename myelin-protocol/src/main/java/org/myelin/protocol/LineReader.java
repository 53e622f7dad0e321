package org.myelin.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without ever holding more than the line limit.
 *
 * <p>A line over the limit is reported by {@link #next()} with {@link Framing#LINE_TOO_LONG}; its
 * remaining bytes are skipped so that reading can go on with the next line. Not thread-safe.
 */
public final class LineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[8192];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private boolean eof;

    /**
     * @param in the bytes to split; not closed by this reader
     * @param maxLineBytes the longest line accepted, not counting {@code \n}
     */
    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Reads the next line, without its {@code \n}; a last line without {@code \n} counts too.
     *
     * @return the line's bytes, or {@code null} at the end of the stream
     * @throws ProtocolException if the line is longer than the limit (it is skipped)
     * @throws IOException if the stream fails
     */
    public byte[] next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        boolean sawAny = false;
        while (true) {
            if (position == limit && !fill()) {
                if (!sawAny) {
                    return null;
                }
                break;
            }
            sawAny = true;
            byte b = buffer[position++];
            if (b == '\n') {
                break;
            }
            if (tooLong) {
                continue;
            }
            if (length == maxLineBytes) {
                tooLong = true;
                continue;
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
            }
            line[length++] = b;
        }
        if (tooLong) {
            throw new ProtocolException(Framing.LINE_TOO_LONG);
        }
        return Arrays.copyOf(line, length);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }
}
