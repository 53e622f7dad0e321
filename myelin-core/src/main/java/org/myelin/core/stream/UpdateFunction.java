package org.myelin.core.stream;

/**
 * Reads a stream's rows out of band (database or HTTP), for one writer instance.
 *
 * <p>Answers rows with {@code fromToken < token <= uptoToken} in token order, about {@code limit}
 * of them: a target, not a hard cap, because rows sharing a token are never split. When the answer
 * is limited, its {@code uptoToken} is the last token returned and the caller asks again from there.
 * Implementations may block; the engine calls them from its background tasks, never from an I/O
 * thread.
 */
@FunctionalInterface
public interface UpdateFunction {
    /**
     * @throws Exception if the rows cannot be read now; the caller retries later
     */
    UpdateBatch getUpdates(String instance, long fromToken, long uptoToken, int limit) throws Exception;
}
