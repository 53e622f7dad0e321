package org.myelin.server.worker;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.myelin.core.inbound.ResumePositions;

/**
 * Reads {@code myelin worker --from}: {@code STREAM[/INSTANCE]=TOKEN} pairs (instance {@code master}
 * when left out), or one bare {@code TOKEN} for every stream, which is only exact when it is 0 (every
 * stream from its beginning) or when a single stream is followed: tokens of different streams are
 * unrelated numbers, and a token past one stream's position would make it start over.
 */
final class FromOption {
    private static final Pattern PAIR = Pattern.compile("([A-Za-z0-9_.-]{1,100})(?:/([^=/]{1,255}))?=([0-9]{1,18})");
    private static final Pattern BARE = Pattern.compile("[0-9]{1,18}");

    private FromOption() {}

    /**
     * @param values the option's values, already split at commas
     * @param follow the followed streams (empty for every stream)
     * @throws IllegalArgumentException with a message for the user when a value is not understood or
     *     a bare token would not resume exactly
     */
    static ResumePositions parse(List<String> values, List<String> follow) {
        Map<String, Map<String, Long>> pairs = new TreeMap<>();
        OptionalLong bare = OptionalLong.empty();
        for (String raw : values) {
            String value = raw.trim();
            Matcher pair = PAIR.matcher(value);
            if (pair.matches()) {
                String instance = pair.group(2) == null ? "master" : pair.group(2);
                Long before = pairs.computeIfAbsent(pair.group(1), s -> new TreeMap<>())
                        .put(instance, Long.parseLong(pair.group(3)));
                if (before != null) {
                    throw new IllegalArgumentException("--from gives " + pair.group(1) + "/" + instance + " twice");
                }
            } else if (BARE.matcher(value).matches()) {
                if (bare.isPresent()) {
                    throw new IllegalArgumentException("--from gives a bare token twice");
                }
                bare = OptionalLong.of(Long.parseLong(value));
            } else {
                throw new IllegalArgumentException("--from takes STREAM[/INSTANCE]=TOKEN (or a bare TOKEN), got '"
                        + value + "'");
            }
        }
        if (bare.isPresent() && bare.getAsLong() != 0 && follow.size() != 1) {
            throw new IllegalArgumentException("--from " + bare.getAsLong() + " for every stream cannot resume "
                    + "exactly: tokens of different streams are unrelated, and a token past a stream's position "
                    + "makes it start over. Give one token per stream, --from STREAM[/INSTANCE]=TOKEN (repeat or "
                    + "comma-separate; better: --state FILE), or --from 0 to print every stream from its beginning");
        }
        return new ResumePositions(pairs, bare);
    }
}
