package org.myelin.core.cache;

import java.util.List;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;

/** The decorator of {@link CacheInvalidations#wrap}: invalidate, delegate, then mark applied. */
final class InvalidatingHandler implements ReplicationDataHandler {
    private final CacheInvalidations caches;
    private final ReplicationDataHandler delegate;

    InvalidatingHandler(CacheInvalidations caches, ReplicationDataHandler delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate must not be null");
        }
        this.caches = caches;
        this.delegate = delegate;
    }

    @Override
    public void onRows(String stream, String instance, long token, List<RawJson> rows) throws Exception {
        caches.invalidateFrom(stream, rows);
        delegate.onRows(stream, instance, token, rows);
        caches.markApplied(stream, instance, token);
    }

    @Override
    public void onPosition(String stream, String instance, long token) throws Exception {
        delegate.onPosition(stream, instance, token);
        caches.markApplied(stream, instance, token);
    }
}
