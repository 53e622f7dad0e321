/**
 * Caches kept coherent across processes by the {@code caches} stream:
 * {@link org.myelin.core.cache.ReplicatedCache}s registered by name with a
 * {@link org.myelin.core.cache.CacheInvalidations}, whose handler decorator applies the rows and
 * tells when a writer's token has been applied.
 *
 * <p>Only {@code CacheInvalidations}, {@code ReplicatedCache} and {@code CacheKey} are public; the
 * token waiters, the decorator and the {@code cs_cache_fake} expansion are internals.
 */
package org.myelin.core.cache;
