package org.myelin.core;

import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;

/**
 * Receives the handler-level commands that are not stream data ({@code USER_SYNC},
 * {@code CLEAR_USER_SYNC}, {@code FEDERATION_ACK}, {@code USER_IP}, {@code REMOTE_SERVER_UP},
 * {@code LOCK_RELEASED}, {@code NEW_ACTIVE_TASK}). Called from a background thread, one command of a
 * link at a time in arrival order; each call is counted as the task {@code replication-<COMMAND>}.
 */
@FunctionalInterface
public interface CommandListener {
    /** Handles one command; an exception is logged with the task's name and the link stays up. */
    void onCommand(ReplicationConnection connection, Command command) throws Exception;
}
