package org.myelin.core.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.rows.CachesRow;
import org.myelin.core.rows.SynapseRow;
import org.myelin.core.rows.SynapseRows;
import org.myelin.protocol.RawJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ReplicatedCache}s of one process, by name, and what keeps them coherent: the rows of
 * the {@code caches} stream, fed through {@link #wrap(ReplicationDataHandler)}.
 *
 * <p>A row {@code [name, keys, ts]} drops that key from the cache of that name, {@code null} keys
 * the whole cache; a {@code cs_cache_fake} row drops the entries of every cache that depends on a
 * room's current state, as Synapse does. Rows naming a cache not registered here are ignored (the
 * process does not cache that). The wrapper also records, for every stream it sees, the token
 * applied per writer instance, so a reader can {@link #awaitToken wait} until a given write is
 * visible here:
 *
 * <pre>{@code
 * CacheInvalidations caches = new CacheInvalidations();
 * ReplicatedCache<Profile> profiles = caches.register("get_profile", 10_000);
 * ReplicationDataHandler handler = caches.wrap(myHandler);   // give this one to the engine
 * ...
 * caches.awaitToken("master", tokenOfTheWrite).get(5, SECONDS);
 * Profile p = profiles.get(CacheKey.of(userId), k -> loadProfile(userId));   // never the old one
 * }</pre>
 *
 * <p>A writer that caches too applies its own rows with {@link #apply(CachesRow)} once they are
 * committed: over TCP a process never receives the rows it wrote.
 */
public final class CacheInvalidations {
    /** The stream whose rows invalidate caches. */
    public static final String STREAM = CachesRow.STREAM;
    private static final Logger log = LoggerFactory.getLogger(CacheInvalidations.class);

    private final Map<String, ReplicatedCache<?>> caches = new ConcurrentHashMap<>();
    private final AppliedTokens applied = new AppliedTokens();

    /** A registry with no caches yet. */
    public CacheInvalidations() {}

    /** Registers a cache of at most {@code maximumSize} entries (see {@link #register(String, Caffeine)}). */
    public <V> ReplicatedCache<V> register(String name, long maximumSize) {
        return register(name, Caffeine.newBuilder().maximumSize(maximumSize));
    }

    /**
     * Registers a cache built by {@code builder} (size, expiry, statistics as the caller likes) under
     * {@code name}, the {@code cache_func} that rows name.
     *
     * @throws IllegalArgumentException if the name is empty or already registered
     */
    public <V> ReplicatedCache<V> register(String name, Caffeine<Object, Object> builder) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a cache needs a name");
        }
        ReplicatedCache<V> cache = new ReplicatedCache<>(name, builder.build());
        if (caches.putIfAbsent(name, cache) != null) {
            throw new IllegalArgumentException("a cache named " + name + " is already registered");
        }
        return cache;
    }

    /** The cache registered under {@code name}, if any. */
    public Optional<ReplicatedCache<?>> cache(String name) {
        return Optional.ofNullable(caches.get(name));
    }

    /**
     * Applies one {@code caches} row here. A row whose keys are not strings (which {@link CacheKey}
     * cannot hold) but that names a registered cache drops that whole cache: too much is safe, too
     * little is not. Any other unexpected row is logged and skipped.
     */
    public void apply(RawJson row) {
        SynapseRow typed = SynapseRows.decode(STREAM, row);
        if (typed instanceof CachesRow c) {
            apply(c);
            return;
        }
        JsonNode tree;
        try {
            tree = row.tree();
        } catch (RuntimeException e) {
            log.warn("ignoring a caches row that is not JSON: {}", row);
            return;
        }
        JsonNode name = tree.isArray() ? tree.get(0) : null;
        if (name != null && name.isTextual() && caches.containsKey(name.textValue())) {
            log.debug("caches row with keys a CacheKey cannot hold, dropping all of {}: {}", name.textValue(), row);
            invalidate(name.textValue(), null);
        } else {
            log.warn("ignoring a caches row of unexpected shape: {}", row);
        }
    }

    /** Applies one decoded {@code caches} row here. */
    public void apply(CachesRow row) {
        if (CurrentStateCaches.NAME.equals(row.cacheFunc())) {
            for (CurrentStateCaches.Invalidation i : CurrentStateCaches.expand(row.keys())) {
                invalidate(i.cache(), i.key());
            }
        } else {
            invalidate(row.cacheFunc(), row.keys() == null ? null : new CacheKey(row.keys()));
        }
    }

    private void invalidate(String name, CacheKey key) {
        ReplicatedCache<?> cache = caches.get(name);
        if (cache == null) {
            return;
        }
        if (key == null) {
            cache.invalidateAll();
        } else {
            cache.invalidate(key);
        }
    }

    /**
     * Handles rows as the engine hands them: applies {@code caches} rows, then records the token as
     * applied for {@code (stream, instance)}. Other streams' rows only move their token.
     */
    public void onRows(String stream, String instance, long token, List<RawJson> rows) {
        invalidateFrom(stream, rows);
        markApplied(stream, instance, token);
    }

    /**
     * A handler that applies invalidations, then lets {@code delegate} handle the rows, then marks
     * the token applied, so a waiter woken by {@link #awaitToken} sees both the caches invalidated
     * and whatever {@code delegate} did. If {@code delegate} throws, the token stays where it was
     * (the engine fetches the rows again; invalidating twice is harmless).
     */
    public ReplicationDataHandler wrap(ReplicationDataHandler delegate) {
        return new InvalidatingHandler(this, delegate);
    }

    void invalidateFrom(String stream, List<RawJson> rows) {
        if (STREAM.equals(stream)) {
            rows.forEach(this::apply);
        }
    }

    void markApplied(String stream, String instance, long token) {
        applied.advance(stream, instance, token);
    }

    /**
     * Completes once the {@code caches} rows written by {@code instance} up to {@code token} were
     * applied here (at once if they already were). Bound the wait with {@code orTimeout}; a future
     * given up on is forgotten.
     */
    public CompletableFuture<Void> awaitToken(String instance, long token) {
        return awaitToken(STREAM, instance, token);
    }

    /** As {@link #awaitToken(String, long)}, for any stream that passes through {@link #wrap}. */
    public CompletableFuture<Void> awaitToken(String stream, String instance, long token) {
        return applied.await(stream, instance, token);
    }

    /** The token applied for {@code (stream, instance)}, -1 before anything was heard of it. */
    public long appliedToken(String stream, String instance) {
        return applied.applied(stream, instance);
    }
}
