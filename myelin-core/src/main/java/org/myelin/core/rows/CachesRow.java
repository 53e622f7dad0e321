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

    /** Copies the keys (null elements allowed). @throws IllegalArgumentException if cacheFunc is null */
    public CachesRow {
        Require.present("cacheFunc", cacheFunc);
        keys = keys == null ? null : Collections.unmodifiableList(new ArrayList<>(keys));
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
