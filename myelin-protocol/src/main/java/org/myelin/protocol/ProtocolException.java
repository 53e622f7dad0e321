package org.myelin.protocol;

/**
 * A peer sent something that is not a valid command.
 *
 * <p>The message is the reason, fit to send back as {@code ERROR failed to parse line: <reason>}:
 * it is always a single line and never longer than {@value #MAX_REASON_LENGTH} characters, whatever
 * the input was. Parsing in this package throws this exception and nothing else.
 */
public class ProtocolException extends RuntimeException {
    /** Longest reason kept; longer ones are cut so that an ERROR line stays short. */
    public static final int MAX_REASON_LENGTH = 200;

    private static final long serialVersionUID = 1L;

    /** @param reason why the input was rejected; newlines are replaced and the text is shortened */
    public ProtocolException(String reason) {
        super(oneLine(reason));
    }

    /** @param reason why the input was rejected; {@code cause} is kept for logs only */
    public ProtocolException(String reason, Throwable cause) {
        super(oneLine(reason), cause);
    }

    /** The reason, a single line (same as {@link #getMessage()}). */
    public String reason() {
        return getMessage();
    }

    static String oneLine(String text) {
        if (text == null) {
            return "invalid input";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON_LENGTH + 3));
        for (int i = 0; i < text.length() && out.length() < MAX_REASON_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(c == '\n' || c == '\r' ? ' ' : c);
        }
        if (text.length() > MAX_REASON_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }
}
