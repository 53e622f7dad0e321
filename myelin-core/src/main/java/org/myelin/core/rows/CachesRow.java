package org.myelin.core.rows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * A {@code caches} row: invalidate an entry of a named cache, or all of it.
 * {@code [cache_func, keys|null, invalidation_ts]}.
 *
 * <p>{@code keys} is the cache's key tuple (one element for a one-argument cache); {@code null}
 * invalidates the whole cache. Synapse's {@code cs_cache_fake} rows carry {@code [room_id, user_id...]}
 * and stand for several caches at once (see {@code org.myelin.core.cache.CacheInvalidations}).
 * Key elements are strings or {@code null}; rows with other key elements stay raw.
 *
 * @param cacheFunc the cache's name
 * @param keys the key tuple, or null for the whole cache
 * @param invalidationTs epoch ms of the invalidation
 */
public record CachesRow(String cacheFunc, List<String> keys, long invalidationTs) implements SynapseRow {
    /** The stream name. */
    public static final String STREAM = "caches";

    /**
     * Copies the keys (null elements allowed).
     *
     * @throws IllegalArgumentException if cacheFunc is null
     */
    public CachesRow {
        Require.present("cacheFunc", cacheFunc);
        keys = keys == null ? null : Collections.unmodifiableList(new ArrayList<>(keys));
    }

    /** The name of Synapse's fake cache whose rows stand for every cache of a room's current state. */
    public static final String CURRENT_STATE_CACHE = "cs_cache_fake";
    /** Members per {@code cs_cache_fake} row, as Synapse chunks them to stay within a line. */
    private static final int MEMBERS_PER_ROW = 50;

    /** A row invalidating {@code keys} of {@code cacheFunc} (null keys: all of it), stamped now. */
    public static CachesRow now(String cacheFunc, List<String> keys) {
        return new CachesRow(cacheFunc, keys, System.currentTimeMillis());
    }

    /**
     * The {@code cs_cache_fake} rows Synapse writes when a room's current state changed: one per 50
     * changed members, {@code [room_id, user_id...]}, or one {@code [room_id]} when no member changed.
     */
    public static List<CachesRow> currentState(String roomId, List<String> membersChanged, long invalidationTs) {
        Require.present("roomId", roomId);
        List<CachesRow> rows = new ArrayList<>();
        int i = 0;
        do {
            List<String> keys = new ArrayList<>();
            keys.add(roomId);
            keys.addAll(membersChanged.subList(i, Math.min(membersChanged.size(), i + MEMBERS_PER_ROW)));
            rows.add(new CachesRow(CURRENT_STATE_CACHE, keys, invalidationTs));
            i += MEMBERS_PER_ROW;
        } while (i < membersChanged.size());
        return rows;
    }

    /** Whether this row invalidates the whole cache. */
    public boolean invalidatesAll() {
        return keys == null;
    }

    @Override
    public String stream() {
        return STREAM;
    }

    @Override
    public RawJson encode(RowFlavour flavour) {
        return new RowWriter().text(cacheFunc).texts(keys).number(invalidationTs).toJson();
    }
}
