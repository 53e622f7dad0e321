package org.myelin.core.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each {@code (stream, instance)} has been applied, and futures waiting for a token.
 *
 * <p>The position is what the worker was last told (rows handled at a token, or a POSITION once
 * caught up); it follows resets down, because the receiver only reports them in order. Waiters
 * are kept only until they complete, whether by the token being reached or by the caller giving
 * up (a timeout or cancel removes them), so memory stays bounded by the callers waiting now.
 */
final class AppliedTokens {
    private final Map<String, Position> positions = new ConcurrentHashMap<>();

    private Position position(String stream, String instance) {
        return positions.computeIfAbsent(stream + '\u0000' + instance, k -> new Position());
    }

    /** Records that everything up to {@code token} was applied and wakes the waiters it satisfies. */
    void advance(String stream, String instance, long token) {
        position(stream, instance).advance(token);
    }

    /** The applied token, or -1 if nothing was heard of this stream and instance yet. */
    long applied(String stream, String instance) {
        Position p = positions.get(stream + '\u0000' + instance);
        return p == null ? -1 : p.current();
    }

    CompletableFuture<Void> await(String stream, String instance, long token) {
        return position(stream, instance).await(token);
    }

    /** One stream and instance. */
    private static final class Position {
        private long current = -1;
        private final TreeMap<Long, List<CompletableFuture<Void>>> waiting = new TreeMap<>();

        synchronized long current() {
            return current;
        }

        void advance(long token) {
            List<CompletableFuture<Void>> ready = new ArrayList<>();
            synchronized (this) {
                current = token;
                Map<Long, List<CompletableFuture<Void>>> head = waiting.headMap(token, true);
                head.values().forEach(ready::addAll);
                head.clear();
            }
            // Completed outside the lock: callers' continuations may run here and must not block us.
            ready.forEach(f -> f.complete(null));
        }

        CompletableFuture<Void> await(long token) {
            CompletableFuture<Void> future = new CompletableFuture<>();
            synchronized (this) {
                if (current < token) {
                    waiting.computeIfAbsent(token, t -> new ArrayList<>()).add(future);
                    future.whenComplete((ok, error) -> forget(token, future));
                    return future;
                }
            }
            future.complete(null);
            return future;
        }

        private synchronized void forget(long token, CompletableFuture<Void> future) {
            List<CompletableFuture<Void>> list = waiting.get(token);
            if (list != null && list.remove(future) && list.isEmpty()) {
                waiting.remove(token);
            }
        }
    }
}
