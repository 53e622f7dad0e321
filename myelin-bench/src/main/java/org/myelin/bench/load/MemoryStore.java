package org.myelin.bench.load;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamPosition;
import org.myelin.store.StreamStore;
import org.myelin.store.TransactionWork;

/**
 * A {@link StreamStore} kept in memory, for {@code myelin bench --in-memory}: the writer node and its
 * streamer run exactly as on SQLite, but an append costs no transaction and no durable commit, so the
 * benchmark measures the transport rather than the disk.
 *
 * <p>Not durable and not a production store: one run's rows, gone when the JVM ends. Reads find their
 * first row by binary search, so a streamer reading a few rows after a long history stays cheap.
 */
final class MemoryStore implements StreamStore {
    /** Rows of one (stream, instance) in token order; every row's token is at least the one before. */
    private final Map<String, Map<String, List<StreamRow>>> rows = new TreeMap<>();
    private final Map<String, Map<String, Long>> tokens = new TreeMap<>();
    private boolean closed;

    @Override
    public synchronized List<Long> append(String stream, String instance, List<RawJson> appended, boolean sameToken) {
        requireOpen();
        if (stream.isEmpty() || instance.isEmpty()) {
            throw new IllegalArgumentException("stream and instance names must not be empty");
        }
        if (appended.isEmpty()) {
            return List.of();
        }
        List<StreamRow> log = rows.computeIfAbsent(stream, s -> new HashMap<>())
                .computeIfAbsent(instance, i -> new ArrayList<>());
        long token = currentToken(stream, instance);
        List<Long> out = new ArrayList<>(appended.size());
        if (sameToken) {
            token++;
        }
        for (RawJson row : appended) {
            if (!sameToken) {
                token++;
            }
            log.add(new StreamRow(token, row));
            out.add(token);
        }
        tokens.computeIfAbsent(stream, s -> new TreeMap<>()).put(instance, token);
        return out;
    }

    /** Refused: there is no database connection to run the caller's work on. */
    @Override
    public List<Long> appendInTransaction(String stream, String instance, boolean sameToken, TransactionWork work) {
        throw new UnsupportedOperationException("the in-memory benchmark store has no database transactions");
    }

    @Override
    public synchronized long currentToken(String stream, String instance) {
        requireOpen();
        return tokens.getOrDefault(stream, Map.of()).getOrDefault(instance, 0L);
    }

    @Override
    public synchronized List<StreamPosition> positions() {
        requireOpen();
        List<StreamPosition> out = new ArrayList<>();
        tokens.forEach((stream, byInstance) -> byInstance.forEach((instance, token) ->
                out.add(new StreamPosition(stream, instance, token))));
        return out;
    }

    @Override
    public synchronized UpdateBatch getUpdates(String stream, String instance, long fromToken, long uptoToken,
            int limit) {
        requireOpen();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
        List<StreamRow> log = rows.getOrDefault(stream, Map.of()).getOrDefault(instance, List.of());
        return UpdateBatch.page(log.listIterator(firstAfter(log, fromToken)), uptoToken, limit);
    }

    /** The index of the first row whose token is above {@code token}. */
    private static int firstAfter(List<StreamRow> log, long token) {
        int lo = 0;
        int hi = log.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (log.get(mid).token() <= token) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the in-memory store is closed");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
