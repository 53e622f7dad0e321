package org.myelin.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A local cache (Caffeine underneath) that {@code caches} stream rows invalidate, registered by
 * name with {@link CacheInvalidations#register}. Any process may hold one; the writer of the data
 * appends a {@code caches} row in the same transaction as the change, and every process holding a
 * cache of that name drops the entry when the row arrives.
 *
 * <p>Read through {@link #get(CacheKey, Function)}: a load that overlaps an invalidation of the
 * cache is not kept (it may have read the old data), so once {@link CacheInvalidations#awaitToken}
 * says the row's token was applied, no read returns the value from before the change. A value
 * {@link #put} by hand has no such protection.
 *
 * @param <V> the values
 */
public final class ReplicatedCache<V> {
    private final String name;
    private final Cache<CacheKey, V> cache;
    /** Bumped before every invalidation, so a load can tell that one overlapped it. */
    private final AtomicLong invalidations = new AtomicLong();

    ReplicatedCache(String name, Cache<CacheKey, V> cache) {
        this.name = name;
        this.cache = cache;
    }

    /** The name rows refer to, such as {@code get_users_in_room}. */
    public String name() {
        return name;
    }

    /**
     * The cached value, loading it with {@code loader} when absent. A null from the loader is not
     * cached and is returned as null.
     */
    public V get(CacheKey key, Function<? super CacheKey, ? extends V> loader) {
        long before = invalidations.get();
        boolean[] loadedHere = {false};
        V value = cache.get(key, k -> {
            loadedHere[0] = true;
            return loader.apply(k);
        });
        if (loadedHere[0] && value != null && invalidations.get() != before) {
            // An invalidation ran while we loaded: what we read may predate the change it stands for.
            cache.asMap().remove(key, value);
        }
        return value;
    }

    /** The cached value, or null. */
    public V getIfPresent(CacheKey key) {
        return cache.getIfPresent(key);
    }

    /** Caches a value computed elsewhere (prefer {@link #get(CacheKey, Function)}, see above). */
    public void put(CacheKey key, V value) {
        cache.put(key, value);
    }

    /** Drops one entry, here only. */
    public void invalidate(CacheKey key) {
        invalidations.incrementAndGet();
        cache.invalidate(key);
    }

    /** Drops every entry, here only. */
    public void invalidateAll() {
        invalidations.incrementAndGet();
        cache.invalidateAll();
    }

    /** About how many entries are cached. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    @Override
    public String toString() {
        return "ReplicatedCache[" + name + ", ~" + cache.estimatedSize() + " entries]";
    }
}
