package org.myelin.core.inbound;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Where a worker resumes each stream: a token per (stream, writer instance), because tokens of
 * different streams (and of different writers of one stream) are unrelated numbers, so one token for
 * every stream cannot resume them all exactly.
 *
 * <p>A listed (stream, instance) starts after its token: rows after it are fetched on the first
 * POSITION. A pair not listed starts after {@code otherwise} when present, else at the first
 * position the writer announces (like a Synapse worker, without fetching).
 *
 * @param tokens stream name to writer instance to the last token already handled
 * @param otherwise the token for pairs not listed, or empty to start at the announced position
 */
public record ResumePositions(Map<String, Map<String, Long>> tokens, OptionalLong otherwise) {
    /** Copies the maps (sorted, for stable logs and files); refuses negative tokens. */
    public ResumePositions {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        tokens.forEach((stream, perInstance) -> {
            perInstance.forEach((instance, token) -> {
                if (token == null || token < 0) {
                    throw new IllegalArgumentException("token of " + stream + "/" + instance
                            + " must be a non-negative number, got " + token);
                }
            });
            copy.put(stream, Map.copyOf(new TreeMap<>(perInstance)));
        });
        tokens = Map.copyOf(copy);
        if (otherwise.isPresent() && otherwise.getAsLong() < 0) {
            throw new IllegalArgumentException("token must be non-negative, got " + otherwise.getAsLong());
        }
    }

    /** Every stream starts at the position first announced (a fresh Synapse-like worker). */
    public static ResumePositions atAnnounced() {
        return new ResumePositions(Map.of(), OptionalLong.empty());
    }

    /** Every stream starts after {@code token}; only meaningful for 0 or a single stream. */
    public static ResumePositions everyStreamFrom(long token) {
        return new ResumePositions(Map.of(), OptionalLong.of(token));
    }

    /** These pairs resume after their tokens; the rest start at the announced position. */
    public static ResumePositions of(Map<String, Map<String, Long>> tokens) {
        return new ResumePositions(tokens, OptionalLong.empty());
    }

    /** The same positions, with pairs not listed starting after {@code token}. */
    public ResumePositions withOtherwise(OptionalLong token) {
        return new ResumePositions(tokens, token);
    }

    /** The listed token of a pair, if any. */
    public OptionalLong listed(String stream, String instance) {
        Map<String, Long> perInstance = tokens.get(stream);
        Long token = perInstance == null ? null : perInstance.get(instance);
        return token == null ? OptionalLong.empty() : OptionalLong.of(token);
    }

    /** Where a pair starts: its listed token, else {@code otherwise}; empty means "as announced". */
    public OptionalLong startOf(String stream, String instance) {
        OptionalLong listed = listed(stream, instance);
        return listed.isPresent() ? listed : otherwise;
    }
}
