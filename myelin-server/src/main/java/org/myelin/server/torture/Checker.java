package org.myelin.server.torture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.store.StreamStore;

/**
 * Compares what each worker printed with what the store holds, stream by stream: from a worker's
 * first start point to the store's last token, every row exactly once, in store order. Rows are
 * keyed by {@code (token, seq)}; within a token the harness's sequence numbers grow, so a correct
 * output is a strictly increasing sequence of keys equal to the store's.
 *
 * <p>Across restarts the worker resumes from its own state file, which it saves at most every
 * 100 ms and on a clean exit, only ever with tokens whose rows were flushed. So:
 * <ul>
 *   <li>a run stopped by SIGTERM must have printed nothing past the state its successor starts
 *       from (exactly once);</li>
 *   <li>a run killed by SIGKILL may have printed rows past its last saved state (in the last
 *       interval before the kill): its successor prints them again. Exactly that tail is allowed
 *       and left out of the count, provided it is itself correct (rows of the store, in order, after
 *       that state);</li>
 *   <li>a run never prints a row at or below the state it started from, and the state never goes
 *       back from one run to the next.</li>
 * </ul>
 */
final class Checker {
    static final int EXAMPLES = 5;

    private final Map<Violation.Kind, Long> counts = new EnumMap<>(Violation.Kind.class);
    private final List<Violation> examples = new ArrayList<>();
    private final Map<String, Expected> streams = new LinkedHashMap<>();
    private long reprinted;

    /** The store's rows of one stream. */
    private static final class Expected {
        final LongList tokens = new LongList();
        final LongList keys = new LongList();
        long rows;
        long duplicates;
        long lastToken;

        /** The keys after token {@code after}, in store order. */
        long[] after(long after) {
            int start = 0;
            while (start < tokens.size() && tokens.get(start) <= after) {
                start++;
            }
            long[] out = new long[keys.size() - start];
            for (int i = 0; i < out.length; i++) {
                out[i] = keys.get(start + i);
            }
            return out;
        }

        /** Whether the store holds this key (keys are in ascending order). */
        boolean holds(long key) {
            int lo = 0;
            int hi = keys.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long k = keys.get(mid);
                if (k < key) {
                    lo = mid + 1;
                } else if (k > key) {
                    hi = mid - 1;
                } else {
                    return true;
                }
            }
            return false;
        }
    }

    /** Reads each stream from the store and checks every acknowledged write is in it. */
    Checker(StreamStore store, Map<String, AckLog> acksByStream) {
        acksByStream.forEach((stream, acks) -> streams.put(stream, read(store, stream, acks)));
    }

    private Expected read(StreamStore store, String stream, AckLog acks) {
        Expected e = new Expected();
        e.lastToken = store.currentToken(stream, TortureRows.INSTANCE);
        Map<Long, Long> tokenOfSeq = new HashMap<>();
        Map<Long, List<Long>> extraTokens = new HashMap<>();
        long from = 0;
        while (from < e.lastToken) {
            UpdateBatch batch = store.getUpdates(stream, TortureRows.INSTANCE, from, e.lastToken, 10_000);
            for (StreamRow row : batch.rows()) {
                long seq = TortureRows.seqOf(row.row().tree());
                e.rows++;
                e.tokens.add(row.token());
                e.keys.add(key(row.token(), seq));
                if (seq >= 0 && tokenOfSeq.putIfAbsent(seq, row.token()) != null) {
                    // a write committed, not acknowledged (the main was killed), and retried
                    e.duplicates++;
                    extraTokens.computeIfAbsent(seq, s -> new ArrayList<>()).add(row.token());
                }
            }
            if (batch.uptoToken() <= from) {
                throw new TortureFailure("the store's paging of " + stream + " does not advance at token " + from);
            }
            from = batch.uptoToken();
        }
        for (long seq = 0; seq < acks.acknowledged(); seq++) {
            long acked = acks.token(seq);
            Long stored = tokenOfSeq.get(seq);
            if (stored == null || stored != acked && !extraTokens.getOrDefault(seq, List.of()).contains(acked)) {
                record(new Violation(Violation.Kind.ACKED_WRITE_LOST, "writer",
                        stream + " row " + seq + " acknowledged at token " + acked + ", stored at " + stored));
            }
        }
        return e;
    }

    /** Rows in the store, all streams. */
    long storeRows() {
        return streams.values().stream().mapToLong(e -> e.rows).sum();
    }

    /** Rows stored twice because a write that had committed was retried, all streams. */
    long storeDuplicates() {
        return streams.values().stream().mapToLong(e -> e.duplicates).sum();
    }

    /** The store's last token of each stream. */
    Map<String, Long> lastTokens() {
        Map<String, Long> last = new LinkedHashMap<>();
        streams.forEach((stream, e) -> last.put(stream, e.lastToken));
        return last;
    }

    /** Rows printed by a killed run past its last saved state, and so printed again by its successor. */
    long reprinted() {
        return reprinted;
    }

    /**
     * Checks one worker's output, all incarnations, every stream; returns the rows it printed that
     * were checked (re-printed tails not counted twice).
     */
    long checkWorker(String worker, List<WorkerNode.Incarnation> runs) {
        Map<String, LongList> printed = new HashMap<>();
        Map<String, long[]> previous = new HashMap<>();
        for (String stream : streams.keySet()) {
            printed.put(stream, new LongList());
            previous.put(stream, new long[] {Long.MIN_VALUE});
        }
        for (int i = 0; i < runs.size(); i++) {
            WorkerNode.Incarnation run = runs.get(i);
            WorkerNode.Incarnation next = i + 1 < runs.size() ? runs.get(i + 1) : null;
            if (run.stop() == WorkerNode.Stop.TERM_FAILED) {
                record(new Violation(Violation.Kind.UNCLEAN_STOP, worker, "run " + run.number()
                        + " did not exit with status 0 within 30 s of SIGTERM (status " + run.exitStatus() + ")"));
            }
            Map<String, long[]> tailEnd = new HashMap<>(); // per stream, the last key of this run's re-printed tail
            for (String stream : streams.keySet()) {
                if (next != null && next.from(stream) < run.from(stream)) {
                    record(new Violation(Violation.Kind.STATE_BACKWARDS, worker, stream + ": run " + next.number()
                            + " resumed after token " + next.from(stream) + ", run " + run.number() + " after "
                            + run.from(stream)));
                }
                tailEnd.put(stream, new long[] {Long.MIN_VALUE});
            }
            new OutputTail(run.out()).drain(row -> {
                Expected expected = streams.get(row.stream());
                if (expected == null) {
                    record(new Violation(Violation.Kind.UNEXPECTED, worker, "run " + run.number() + " printed a row of "
                            + row.stream() + ", which it does not follow"));
                    return;
                }
                long key = key(row.token(), row.seq());
                if (row.token() <= run.from(row.stream())) {
                    record(new Violation(Violation.Kind.BEFORE_START, worker, row.stream() + ": run " + run.number()
                            + " resumed after token " + run.from(row.stream()) + " but printed " + describe(key)));
                    return;
                }
                long upto = next == null ? Long.MAX_VALUE : next.from(row.stream());
                if (row.token() > upto) {
                    // past the state its successor resumed from: the successor prints it again
                    if (run.stop() == WorkerNode.Stop.KILLED || run.stop() == WorkerNode.Stop.TERM_FAILED) {
                        long[] last = tailEnd.get(row.stream());
                        if (key <= last[0] || !expected.holds(key)) {
                            record(new Violation(Violation.Kind.UNEXPECTED, worker, row.stream() + ": run "
                                    + run.number() + " printed " + describe(key) + " after its last saved state "
                                    + upto + (key <= last[0] ? ", out of order" : ", not in the store")));
                        }
                        last[0] = Math.max(last[0], key);
                        reprinted++;
                    } else {
                        record(new Violation(Violation.Kind.DUPLICATE, worker, row.stream() + ": run " + run.number()
                                + " stopped by SIGTERM printed " + describe(key) + " past its saved state " + upto
                                + ", so run " + next.number() + " prints it again"));
                    }
                    return;
                }
                long[] prev = previous.get(row.stream());
                if (key <= prev[0]) {
                    record(new Violation(key == prev[0] ? Violation.Kind.DUPLICATE : Violation.Kind.OUT_OF_ORDER,
                            worker, row.stream() + ": run " + run.number() + " printed " + describe(key) + " after "
                                    + describe(prev[0])));
                }
                prev[0] = Math.max(prev[0], key);
                printed.get(row.stream()).add(key);
            });
        }
        long checked = 0;
        for (Map.Entry<String, Expected> e : streams.entrySet()) {
            LongList keys = printed.get(e.getKey());
            checked += keys.size();
            compare(worker, e.getKey(), e.getValue().after(runs.get(0).from(e.getKey())), keys);
        }
        return checked;
    }

    /** Every expected key printed once: reports the lost and the foreign ones (in-order duplicates were reported). */
    private void compare(String worker, String stream, long[] expected, LongList printed) {
        long[] got = new long[printed.size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = printed.get(i);
        }
        Arrays.sort(got);
        int i = 0;
        int j = 0;
        while (i < expected.length || j < got.length) {
            if (j < got.length && j > 0 && got[j] == got[j - 1]) {
                // duplicates out of sequence were reported above when printed in sequence; count
                // the ones printed apart here
                j++;
                continue;
            }
            if (j >= got.length || i < expected.length && expected[i] < got[j]) {
                record(new Violation(Violation.Kind.LOST, worker, stream + ": " + describe(expected[i])
                        + " never printed"));
                i++;
            } else if (i >= expected.length || got[j] < expected[i]) {
                record(new Violation(Violation.Kind.UNEXPECTED, worker, stream + ": " + describe(got[j])
                        + " is not in the store"));
                j++;
            } else {
                i++;
                j++;
            }
        }
    }

    /** Records a violation (the first few of each worker are kept as examples). */
    void record(Violation v) {
        counts.merge(v.kind(), 1L, Long::sum);
        if (examples.stream().filter(e -> e.worker().equals(v.worker())).count() < EXAMPLES) {
            examples.add(v);
        }
    }

    Map<Violation.Kind, Long> counts() {
        return Map.copyOf(counts);
    }

    long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    List<Violation> examples() {
        return List.copyOf(examples);
    }

    /** {@code (token, seq)} as one sortable long; a row not written by the harness has seq 2^31-1. */
    private static long key(long token, long seq) {
        if (token < 0 || token >= 1L << 32 || seq >= Integer.MAX_VALUE) {
            throw new TortureFailure("token " + token + " or row " + seq + " out of the checker's range");
        }
        return token << 31 | (seq < 0 ? Integer.MAX_VALUE : seq);
    }

    private static String describe(long key) {
        if (key == Long.MIN_VALUE) {
            return "nothing";
        }
        long seq = key & Integer.MAX_VALUE;
        return "token " + (key >>> 31) + " row " + (seq == Integer.MAX_VALUE ? "(not a harness row)" : seq);
    }
}
