package org.myelin.store.writer;

import java.util.ArrayDeque;
import java.util.List;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;

/**
 * The rows one writer appended to one stream and its streamer has not read yet, kept in memory so
 * that streaming does not read back from the database what was just written to it. Reads the range
 * holds whole are answered from here, exactly as the store would answer them; any other read goes
 * to the store.
 *
 * <p>Sound only where a writer's tokens of a stream are its own and its appends commit in token
 * order (SQLite): then the appends this writer saw, in a row without a gap, are every row of the
 * writer in their range. A gap (an append recorded out of order, or a transactional append whose
 * rows this class does not see) starts the range again after it: reads below it go to the store.
 *
 * <p>Bounded: rows at or below a read's {@code from} are dropped (the streamer never asks for them
 * again), and the oldest tokens are dropped beyond {@link #MAX_ROWS} rows or {@link #MAX_CHARS}
 * characters (a streamer that fell that far behind reads from the store). Thread-safe.
 */
final class RecentRows implements UpdateFunction {
    static final int MAX_ROWS = 10_000;
    static final long MAX_CHARS = 8L << 20;

    private final String instance;
    private final UpdateFunction store;
    private final ArrayDeque<StreamRow> rows = new ArrayDeque<>();
    /** Every row of the writer with a token in {@code (base, top]} is in {@link #rows}. */
    private long base;
    private long top;
    private boolean started;
    private long chars;
    private long hits;
    private long misses;

    RecentRows(String instance, UpdateFunction store) {
        this.instance = instance;
        this.store = store;
    }

    /**
     * Notes committed rows: {@code tokens.get(i)} is the token of {@code texts.get(i)}, in order, as
     * the store took them (the texts exactly as stored).
     */
    synchronized void appended(List<Long> tokens, List<String> texts) {
        if (tokens.isEmpty()) {
            return;
        }
        long first = tokens.get(0);
        if (started && first <= top) {
            return; // recorded after a later append: that one already moved the range past it
        }
        if (!started || first != top + 1) {
            rows.clear(); // a gap: what is here no longer joins what comes
            chars = 0;
            base = first - 1;
            started = true;
        }
        for (int i = 0; i < tokens.size(); i++) {
            String text = texts.get(i);
            rows.addLast(new StreamRow(tokens.get(i), RawJson.ofStored(text)));
            chars += text.length();
        }
        top = tokens.get(tokens.size() - 1);
        while (rows.size() > MAX_ROWS || chars > MAX_CHARS) {
            dropToken(rows.peekFirst().token());
        }
    }

    @Override
    public UpdateBatch getUpdates(String instance, long fromToken, long uptoToken, int limit) throws Exception {
        UpdateBatch held = held(instance, fromToken, uptoToken, limit);
        return held != null ? held : store.getUpdates(instance, fromToken, uptoToken, limit);
    }

    /** Rows held now. */
    synchronized int size() {
        return rows.size();
    }

    /** Reads answered from memory and from the store. */
    synchronized long[] hitsAndMisses() {
        return new long[] {hits, misses};
    }

    private synchronized UpdateBatch held(String asked, long from, long upto, int limit) {
        if (!started || !instance.equals(asked) || limit < 1 || upto <= from || from < base || upto > top) {
            misses++;
            return null;
        }
        while (!rows.isEmpty() && rows.peekFirst().token() <= from) {
            dropToken(rows.peekFirst().token());
        }
        base = Math.max(base, from);
        hits++;
        return UpdateBatch.page(rows.iterator(), upto, limit); // paged as the store pages (RowReader)
    }

    private void dropToken(long token) {
        while (!rows.isEmpty() && rows.peekFirst().token() == token) {
            chars -= rows.pollFirst().row().text().length();
        }
        base = Math.max(base, token);
    }
}
