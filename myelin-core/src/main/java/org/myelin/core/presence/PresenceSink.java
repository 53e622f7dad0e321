package org.myelin.core.presence;

/**
 * Where the presence writer's state changes go: the program appends each as a row of the
 * {@code presence} stream (its own token), which streams it to every worker.
 */
@FunctionalInterface
public interface PresenceSink {
    /** Publishes one change; called in the order the changes happened, one at a time. */
    void publish(PresenceRow row);
}
