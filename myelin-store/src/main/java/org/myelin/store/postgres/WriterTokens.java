package org.myelin.store.postgres;

import java.util.TreeMap;

/**
 * What one store knows of its own writer's tokens on one stream: the ranges it took from the shared
 * sequence whose appends have not finished, and so how far the writer's rows are certainly persisted.
 *
 * <p>This is the local half of Synapse's {@code MultiWriterIdGenerator}: tokens are taken from a
 * sequence shared by every writer of the stream, so they are unique, but appends commit in any
 * order. The writer's position may only advance to just below its oldest unfinished append: a reader
 * told that position never asks for a row that could still appear below it. An append that failed
 * for good releases its tokens like a finished one: they stay unused forever (a gap readers skip,
 * since they read rows, not tokens). Not thread-safe: callers hold the instance's monitor.
 */
final class WriterTokens {
    /** First token of each unfinished append, to its last. */
    private final TreeMap<Long, Long> unfinished = new TreeMap<>();
    private boolean loaded;
    /** The largest token taken by this store, or the persisted position found at load. */
    private long maxTaken;
    /** The largest position written to {@code stream_positions} by this store (or found there). */
    private long written;
    /** Whether a thread is writing this writer's position now (the others wait for it). */
    boolean writing;

    boolean loaded() {
        return loaded;
    }

    /** Starts from the position found in the database (its rows and its positions row). */
    void load(long persisted) {
        loaded = true;
        maxTaken = Math.max(maxTaken, persisted);
        written = Math.max(written, persisted);
    }

    /** Records tokens {@code first..last} just taken from the sequence: their append is unfinished. */
    void taken(long first, long last) {
        unfinished.put(first, last);
        maxTaken = Math.max(maxTaken, last);
    }

    /** The append of {@code first..} finished: committed, or failed for good. */
    void finished(long first) {
        unfinished.remove(first);
    }

    /** Every token up to this one is committed or abandoned. */
    long persistedUpTo() {
        return unfinished.isEmpty() ? maxTaken : Math.max(written, unfinished.firstKey() - 1);
    }

    /** Whether no append of this writer is unfinished: its position may move with the others'. */
    boolean idle() {
        return unfinished.isEmpty();
    }

    /**
     * The writer's position was moved, while idle, to {@code position} (the stream's persisted
     * maximum): everything up to it counts as persisted, as if taken and finished.
     */
    void advancedIdle(long position) {
        maxTaken = Math.max(maxTaken, position);
        written = Math.max(written, position);
    }

    long written() {
        return written;
    }

    void wrote(long position) {
        written = Math.max(written, position);
    }
}
