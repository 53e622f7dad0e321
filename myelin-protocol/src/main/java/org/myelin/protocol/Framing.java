package org.myelin.protocol;

/**
 * The line rules every transport shares: lines end in {@code \n}, a trailing {@code \r} is dropped,
 * blank lines are skipped, and a line longer than the limit is an error that closes the link.
 */
public final class Framing {
    /** The reference's limit: a longer line (not counting {@code \n}) is refused. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16_384;
    /** The most a link may be configured to accept (Myelin-to-Myelin links carrying big rows). */
    public static final int MAX_CONFIGURABLE_LINE_BYTES = 16 * 1024 * 1024;
    /** The smallest limit that still fits every fixed-size command. */
    public static final int MIN_CONFIGURABLE_LINE_BYTES = 256;
    /** The reason sent, as {@code ERROR Line length exceeded}, before closing a link whose peer sent too long a line. */
    public static final String LINE_TOO_LONG = "Line length exceeded";

    private Framing() {}

    /**
     * Checks a configured line limit.
     *
     * @throws IllegalArgumentException naming the accepted range
     */
    public static int checkMaxLineBytes(int maxLineBytes) {
        if (maxLineBytes < MIN_CONFIGURABLE_LINE_BYTES || maxLineBytes > MAX_CONFIGURABLE_LINE_BYTES) {
            throw new IllegalArgumentException("line limit must be between " + MIN_CONFIGURABLE_LINE_BYTES
                    + " and " + MAX_CONFIGURABLE_LINE_BYTES + " bytes, got " + maxLineBytes);
        }
        return maxLineBytes;
    }

    /**
     * Decodes one framed line (the bytes before {@code \n}).
     *
     * @return the command, or {@code null} for a blank line, which the protocol ignores
     * @throws ProtocolException if the line is not valid UTF-8 or not a valid command
     */
    public static Command decodeLine(byte[] bytes, int offset, int length) {
        if (length > 0 && bytes[offset + length - 1] == '\r') {
            length--;
        }
        if (isBlank(bytes, offset, length)) {
            return null;
        }
        return CommandCodec.parse(bytes, offset, length);
    }

    /** Whether the bytes are empty or only spaces and tabs. */
    public static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
