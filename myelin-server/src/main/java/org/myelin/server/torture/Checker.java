package org.myelin.server.torture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.store.StreamStore;

/**
 * Compares what each worker printed with what the store holds: from a worker's first start point
 * to the store's last token, every row exactly once, in store order. Rows are keyed by
 * {@code (token, seq)}; within a token the harness's sequence numbers grow, so a correct output is
 * a strictly increasing sequence of keys equal to the store's.
 */
final class Checker {
    static final int EXAMPLES = 5;
    private static final String INSTANCE = "master";

    private final Map<Violation.Kind, Long> counts = new EnumMap<>(Violation.Kind.class);
    private final List<Violation> examples = new ArrayList<>();
    private final LongList storeTokens = new LongList();
    private final LongList storeKeys = new LongList();
    private long storeRows;
    private long storeDuplicates;
    private long lastToken;

    /** Reads the stream from the store and checks every acknowledged write is in it. */
    Checker(StreamStore store, AckLog acks) {
        lastToken = store.currentToken(TortureRows.STREAM, INSTANCE);
        Map<Long, Long> tokenOfSeq = new HashMap<>();
        Map<Long, List<Long>> extraTokens = new HashMap<>();
        long from = 0;
        while (from < lastToken) {
            UpdateBatch batch = store.getUpdates(TortureRows.STREAM, INSTANCE, from, lastToken, 10_000);
            for (StreamRow row : batch.rows()) {
                long seq = TortureRows.seqOf(row.row().tree());
                storeRows++;
                storeTokens.add(row.token());
                storeKeys.add(key(row.token(), seq));
                if (seq >= 0 && tokenOfSeq.putIfAbsent(seq, row.token()) != null) {
                    // a write committed, not acknowledged (the main was killed), and retried
                    storeDuplicates++;
                    extraTokens.computeIfAbsent(seq, s -> new ArrayList<>()).add(row.token());
                }
            }
            if (batch.uptoToken() <= from) {
                throw new TortureFailure("the store's paging does not advance at token " + from);
            }
            from = batch.uptoToken();
        }
        for (long seq = 0; seq < acks.acknowledged(); seq++) {
            long acked = acks.token(seq);
            Long stored = tokenOfSeq.get(seq);
            if (stored == null || stored != acked && !extraTokens.getOrDefault(seq, List.of()).contains(acked)) {
                record(new Violation(Violation.Kind.ACKED_WRITE_LOST, "writer",
                        "row " + seq + " acknowledged at token " + acked + ", stored at " + stored));
            }
        }
    }

    /** Rows of the stream in the store. */
    long storeRows() {
        return storeRows;
    }

    /** Rows stored twice because a write that had committed was retried. */
    long storeDuplicates() {
        return storeDuplicates;
    }

    /** The store's last token of the stream. */
    long lastToken() {
        return lastToken;
    }

    /**
     * Checks one worker's output, all incarnations; returns the rows it printed that were checked.
     */
    long checkWorker(String worker, List<WorkerNode.Incarnation> runs) {
        LongList printed = new LongList();
        long[] previous = {Long.MIN_VALUE};
        for (int i = 0; i < runs.size(); i++) {
            // rows after the next run's start point were printed by a process killed in the middle
            // of a token: its successor prints them again, so they do not count
            long upto = i + 1 < runs.size() ? runs.get(i + 1).from() : Long.MAX_VALUE;
            int run = runs.get(i).number();
            new OutputTail(runs.get(i).out()).drain(row -> {
                if (row.token() > upto) {
                    return;
                }
                long key = key(row.token(), row.seq());
                if (key <= previous[0]) {
                    record(new Violation(key == previous[0] ? Violation.Kind.DUPLICATE : Violation.Kind.OUT_OF_ORDER,
                            worker, "run " + run + " printed " + describe(key) + " after " + describe(previous[0])));
                }
                previous[0] = Math.max(previous[0], key);
                printed.add(key);
            });
        }
        long first = runs.get(0).from();
        long[] expected = slice(storeKeys, storeTokens, first);
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
                record(new Violation(Violation.Kind.LOST, worker, describe(expected[i]) + " never printed"));
                i++;
            } else if (i >= expected.length || got[j] < expected[i]) {
                record(new Violation(Violation.Kind.UNEXPECTED, worker, describe(got[j]) + " is not in the store"));
                j++;
            } else {
                i++;
                j++;
            }
        }
        return printed.size();
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

    private static long[] slice(LongList keys, LongList tokens, long after) {
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
