package org.myelin.store;

import java.util.List;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;

/**
 * A durable log of stream rows and of each writer's position, shared by a writer (which appends)
 * and readers (which catch up by reading it out of band).
 *
 * <p>Tokens are per {@code (stream, instance)}: they start at 1 and only grow, also across restarts
 * of the writer. Rows that share a token are written and read together, never split. All methods
 * are safe to call from several threads; appends are serialized.
 */
public interface StreamStore extends AutoCloseable {

    /**
     * Appends rows in one transaction and persists the writer's new position with them.
     *
     * <p>Each row gets its own next token, or all rows share one new token when {@code sameToken}.
     * Rows are stored in their canonical text. An empty list writes nothing and returns an empty
     * list.
     *
     * @param stream the stream name
     * @param instance the writer instance name
     * @param rows the rows, in order
     * @param sameToken whether all rows share one token
     * @return the token of each row, in the order of {@code rows}
     * @throws IllegalArgumentException if a name is empty or a row is not valid JSON
     * @throws IllegalStateException if the store is closed or cannot write
     * @throws StoreException if the database refuses the write (nothing was written then)
     */
    List<Long> append(String stream, String instance, List<RawJson> rows, boolean sameToken);

    /**
     * Runs the caller's {@code work} and appends the rows it returns, all in one transaction: the
     * caller's data change and, say, the {@code caches} rows invalidating it commit together or not
     * at all. Rows get tokens as in {@link #append}; other appends wait while the work runs.
     *
     * @return the token of each returned row, in order (empty if the work returned no rows)
     * @throws IllegalArgumentException if a name is empty or a returned row is not valid JSON
     * @throws IllegalStateException if the store is closed or cannot write
     * @throws StoreException if the work or the append failed; nothing was written then
     */
    List<Long> appendInTransaction(String stream, String instance, boolean sameToken, TransactionWork work);

    /**
     * The last token written by {@code instance} to {@code stream}, as persisted; 0 when it never
     * wrote.
     *
     * @throws StoreException if the database cannot be read
     */
    long currentToken(String stream, String instance);

    /**
     * Every persisted position, ordered by stream then instance.
     *
     * @throws StoreException if the database cannot be read
     */
    List<StreamPosition> positions();

    /**
     * Reads rows with {@code fromToken < token <= uptoToken} written by {@code instance}, in
     * (token, order of writing) order, following the {@link UpdateFunction} contract: about
     * {@code limit} rows, never splitting the rows of one token; when limited, the answer's
     * {@code uptoToken} is the last token returned, otherwise the asked {@code uptoToken}.
     *
     * <p>The answer is one consistent snapshot of the database.
     *
     * @throws IllegalArgumentException if {@code limit < 1}
     * @throws StoreException if the database cannot be read
     */
    UpdateBatch getUpdates(String stream, String instance, long fromToken, long uptoToken, int limit);

    /**
     * How far {@code instance}'s rows of {@code stream} are persisted, as this store knows after
     * one of its appends returned {@code lastAppended}: every token of that writer up to the answer
     * is committed (or abandoned for good). A streamer announces no further, or a row committed
     * later below it would never be sent. Appends that commit in token order (the default: SQLite
     * serializes them) answer {@code lastAppended}; where they commit in any order (PostgreSQL) the
     * answer stays below the oldest append still in flight.
     */
    default long persistedUpTo(String stream, String instance, long lastAppended) {
        return lastAppended;
    }

    /**
     * Whether several writer processes share this store's token sequence per stream (PostgreSQL),
     * so that a writer idle on a stream must move its position along with the others' (see
     * {@link #advanceIdle}); false where tokens are per (stream, writer), as on SQLite.
     */
    default boolean writersShareTokens() {
        return false;
    }

    /**
     * Moves {@code instance}'s position on each of {@code streams} where it has nothing in flight up
     * to the furthest position any writer of that stream has persisted, as Synapse's
     * {@code MultiWriterIdGenerator} lets an idle writer report the stream's persisted position: a
     * writer that stopped writing must not hold the stream's safe position (the least over its
     * writers) back forever. Safe because tokens come from one sequence: every token this writer
     * takes later is above every position already persisted, and it has no append unfinished.
     *
     * <p>Only streams where {@code instance} already has a position move. A store whose tokens are
     * per writer ({@link #writersShareTokens()} false) moves nothing.
     *
     * @return the new position of each stream that moved
     * @throws StoreException if the database cannot be read or written
     */
    default java.util.Map<String, Long> advanceIdle(String instance, java.util.Collection<String> streams) {
        return java.util.Map.of();
    }

    /** The update function of one stream, reading this store. */
    default UpdateFunction updateFunction(String stream) {
        Names.require("stream", stream);
        return (instance, fromToken, uptoToken, limit) ->
                getUpdates(stream, instance, fromToken, uptoToken, limit);
    }

    /** Releases the database; further calls fail with {@link IllegalStateException}. Idempotent. */
    @Override
    void close();
}
