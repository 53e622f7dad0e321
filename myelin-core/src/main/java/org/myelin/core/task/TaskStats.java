package org.myelin.core.task;

/**
 * Counters of one kind of background task (all tasks sharing a name).
 *
 * @param started how many were started
 * @param running how many are running now
 * @param failed how many ended with an exception
 * @param totalNanos time spent in finished tasks
 */
public record TaskStats(long started, long running, long failed, long totalNanos) {}
