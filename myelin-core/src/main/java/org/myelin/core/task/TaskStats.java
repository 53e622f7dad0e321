package org.myelin.core.task;

/**
 * Counters of one kind of background task (all tasks sharing a name).
 *
 * @param started how many were started
 * @param running how many are running now
 * @param failed how many ended with an exception
 * @param totalNanos time spent in finished tasks (wall clock)
 * @param cpuNanos CPU time (user and system together) the finished tasks' threads used while running
 *     them; 0 where the JVM cannot measure thread CPU time
 */
public record TaskStats(long started, long running, long failed, long totalNanos, long cpuNanos) {}
