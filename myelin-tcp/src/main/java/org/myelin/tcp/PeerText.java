package org.myelin.tcp;

/**
 * Makes text a peer chose (its {@code NAME}, {@code SERVER} name, {@code REMOTE_SERVER_UP}
 * argument, {@code ERROR} text, the bad line quoted in a parse error) safe to log and to echo:
 * control and format characters are escaped ({@code \n} as {@code \u000a}), so that a peer cannot
 * forge log lines or drive a terminal, and the length is bounded, so that it cannot fill the logs.
 */
final class PeerText {
    /** The longest name shown, in characters, before it is cut. */
    static final int MAX_NAME = 100;
    /** The longest other text (reasons, ERROR texts) shown, in characters, before it is cut. */
    static final int MAX_TEXT = 300;

    private PeerText() {}

    /** A peer-chosen name, escaped and cut to {@link #MAX_NAME} characters. */
    static String name(String raw) {
        return bounded(raw, MAX_NAME);
    }

    /** A peer-influenced text, escaped and cut to {@link #MAX_TEXT} characters. */
    static String text(String raw) {
        return bounded(raw, MAX_TEXT);
    }

    /** Escapes control and format characters and cuts the result to {@code max} characters. */
    static String bounded(String raw, int max) {
        if (raw == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(raw.length(), max) + 16);
        int i = 0;
        while (i < raw.length() && out.length() < max) {
            int cp = raw.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
            i += Character.charCount(cp);
        }
        if (i < raw.length()) {
            out.append("...(").append(raw.length()).append(" chars)");
        }
        return out.toString();
    }
}
