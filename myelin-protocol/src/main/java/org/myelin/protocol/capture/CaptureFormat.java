package org.myelin.protocol.capture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the capture format of the reference vectors: a timestamp column, then either a direction
 * marker ({@code <} or {@code >}) or a label (and maybe a marker), then the command line. A line
 * given as a Python bytes literal ({@code b'NAME x\nPING 1\n'}) stands for every line it holds.
 *
 * <p>Everything else (comments starting with {@code #}, notes such as {@code presence +0.5s ...},
 * lines without a timestamp) is annotation and yields nothing.
 */
public final class CaptureFormat {
    private CaptureFormat() {}

    /**
     * The command lines held by one line of a capture file; empty for an annotation.
     *
     * @param fileLine the capture file's line, without its line break
     * @param lineNumber its 1-based number, recorded in the entries
     */
    public static List<CaptureEntry> read(String fileLine, int lineNumber) {
        Cursor c = new Cursor(fileLine);
        c.skipSpaces();
        String timestamp = c.word();
        if (!isTimestamp(timestamp)) {
            return List.of();
        }
        c.skipSpaces();
        String label = "";
        CaptureEntry.Direction direction = c.marker();
        if (direction == null) {
            if (c.peek() == '#') {
                return List.of();
            }
            label = c.word();
            c.skipSpaces();
            direction = c.marker();
            if (direction == null) {
                if (c.peek() == '#' || !startsWithCommandName(c.rest())) {
                    return List.of();
                }
                direction = CaptureEntry.Direction.NONE;
            }
        }
        String body = c.rest();
        List<CaptureEntry> entries = new ArrayList<>();
        for (byte[] line : linesOf(body)) {
            entries.add(new CaptureEntry(lineNumber, timestamp, label, direction, line));
        }
        return entries;
    }

    private static boolean isTimestamp(String word) {
        return !word.isEmpty() && word.matches("-?\\d+(\\.\\d+)?");
    }

    private static boolean startsWithCommandName(String text) {
        int end = text.indexOf(' ');
        String word = end < 0 ? text : text.substring(0, end);
        return word.matches("[A-Z][A-Z_]*");
    }

    private static List<byte[]> linesOf(String body) {
        if (body.length() >= 3 && body.charAt(0) == 'b'
                && (body.charAt(1) == '\'' || body.charAt(1) == '"')
                && body.charAt(body.length() - 1) == body.charAt(1)) {
            byte[] bytes = pythonBytes(body.substring(2, body.length() - 1));
            List<byte[]> lines = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    lines.add(Arrays.copyOfRange(bytes, start, i));
                    start = i + 1;
                }
            }
            if (start < bytes.length) {
                lines.add(Arrays.copyOfRange(bytes, start, bytes.length));
            }
            return lines;
        }
        return List.of(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Decodes the inside of a Python bytes literal ({@code repr(bytes)}): {@code \\n}, {@code \\r},
     * {@code \\t}, {@code \\\\}, quotes and {@code \\xHH} escapes; other characters stand for themselves.
     */
    public static byte[] pythonBytes(String literal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(literal.length());
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c != '\\' || i + 1 == literal.length()) {
                out.write(c);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case 'x' -> {
                    if (i + 2 < literal.length() && isHex(literal.charAt(i + 1)) && isHex(literal.charAt(i + 2))) {
                        out.write(Integer.parseInt(literal.substring(i + 1, i + 3), 16));
                        i += 2;
                    } else {
                        out.write('\\');
                        out.write('x');
                    }
                }
                case '\\', '\'', '"' -> out.write(e);
                default -> {
                    out.write('\\');
                    out.write(e);
                }
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** A position in one capture line. */
    private static final class Cursor {
        private final String text;
        private int at;

        Cursor(String text) {
            this.text = text;
        }

        void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        String word() {
            int start = at;
            while (at < text.length() && text.charAt(at) != ' ') {
                at++;
            }
            return text.substring(start, at);
        }

        char peek() {
            return at < text.length() ? text.charAt(at) : 0;
        }

        /** Consumes {@code "< "} or {@code "> "} (or a lone marker at the end); null if none. */
        CaptureEntry.Direction marker() {
            char c = peek();
            if ((c == '<' || c == '>') && (at + 1 == text.length() || text.charAt(at + 1) == ' ')) {
                at = Math.min(text.length(), at + 2);
                return c == '<' ? CaptureEntry.Direction.RECEIVED : CaptureEntry.Direction.SENT;
            }
            return null;
        }

        String rest() {
            return text.substring(at);
        }
    }
}
