package org.myelin.core.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The key of a {@link ReplicatedCache} entry: the tuple of arguments of the cached function, as a
 * {@code caches} row carries it ({@code ["@alice:example.org"]} for a one-argument cache,
 * {@code ["!room:example.org", "example.org"]} for two). Parts are strings; {@code null} stands
 * for Python's {@code None}.
 *
 * @param parts the key's parts, in order
 */
public record CacheKey(List<String> parts) {
    /**
     * Copies the parts (null parts allowed).
     *
     * @throws IllegalArgumentException if parts is null
     */
    public CacheKey {
        if (parts == null) {
            throw new IllegalArgumentException("parts must not be null");
        }
        parts = Collections.unmodifiableList(new ArrayList<>(parts));
    }

    /** A key of the given parts: {@code CacheKey.of(userId)}, {@code CacheKey.of(roomId, host)}. */
    public static CacheKey of(String... parts) {
        return new CacheKey(Arrays.asList(parts));
    }
}
