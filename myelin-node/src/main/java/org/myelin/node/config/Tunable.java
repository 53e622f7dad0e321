package org.myelin.node.config;

import java.time.Duration;
import org.myelin.protocol.Dialect;

/**
 * One key of the {@code myelin:} section: its path below {@code myelin.}, what kind of value it takes,
 * its default (today's built-in value) and what it means.
 *
 * @param key the path below {@code myelin.}, e.g. {@code tcp.ping_interval}
 * @param kind what the value is
 * @param min the least value accepted (milliseconds for a duration, bytes for a size)
 * @param max the greatest value accepted
 * @param defaultValue the value when the key is absent: a {@link Duration}, {@link Long} (sizes,
 *     counts), {@link Double}, {@link Boolean} or {@link Dialect}
 * @param meaning one line for the README, the example and {@code config check}
 */
public record Tunable(String key, Kind kind, double min, double max, Object defaultValue, String meaning) {
    /** The kinds of value. */
    public enum Kind {
        /** Milliseconds, or a number with a unit: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
        DURATION,
        /** Bytes, or a number with {@code K}, {@code M} or {@code G}. */
        SIZE,
        /** A whole number. */
        COUNT,
        /** A number with a fraction. */
        FRACTION,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** {@code 1.66} or {@code latest}. */
        DIALECT
    }

    /** The value as the file writes it: {@code 5s}, {@code 8M}, {@code 10000}, {@code latest}. */
    public String format(Object value) {
        return switch (kind) {
            case DURATION -> Values.formatDuration((Duration) value);
            case SIZE -> Values.formatSize((Long) value);
            case DIALECT -> ((Dialect) value).configName();
            default -> String.valueOf(value);
        };
    }

    /** The default as the file writes it. */
    public String defaultText() {
        return format(defaultValue);
    }
}
