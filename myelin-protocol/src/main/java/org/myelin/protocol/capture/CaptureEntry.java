package org.myelin.protocol.capture;

import java.nio.charset.StandardCharsets;

/**
 * One command line found in a wire capture.
 *
 * @param lineNumber the 1-based line of the capture file it came from
 * @param timestamp the first column as written (milliseconds since the recorder started)
 * @param label who or what the line belongs to ({@code watcher}, a Redis channel, ...), or empty
 * @param direction which way it travelled
 * @param line the command line's bytes, without {@code \n}; may be invalid UTF-8 on purpose
 */
public record CaptureEntry(int lineNumber, String timestamp, String label, Direction direction, byte[] line) {

    /** Which way a captured line travelled, as seen by the recorder. */
    public enum Direction {
        /** {@code <}: received from the recorded peer. */
        RECEIVED("<"),
        /** {@code >}: sent by the recorder. */
        SENT(">"),
        /** No marker (for example a line seen on a Redis channel). */
        NONE("");

        private final String marker;

        Direction(String marker) {
            this.marker = marker;
        }

        /** The marker as written in captures, empty for {@link #NONE}. */
        public String marker() {
            return marker;
        }
    }

    /** The line as text, with invalid UTF-8 replaced; for display only. */
    public String text() {
        return new String(line, StandardCharsets.UTF_8);
    }
}
