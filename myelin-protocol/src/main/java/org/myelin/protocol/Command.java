package org.myelin.protocol;

/**
 * One replication command: an immutable value, read from a line by {@link CommandCodec#parse} and
 * written by {@link CommandCodec#encode}.
 *
 * <p>The set is closed: switch over it with pattern matching. Commands whose argument is one
 * opaque string share the {@link StringCommand} shape.
 */
public sealed interface Command
        permits StringCommand, ReplicateCommand, RdataCommand, PositionCommand, UserSyncCommand,
                ClearUserSyncCommand, FederationAckCommand, UserIpCommand, LockReleasedCommand {

    /** The kind of command, which knows its wire name and direction rules. */
    CommandType type();

    /** The wire name, such as {@code RDATA}. */
    default String name() {
        return type().wireName();
    }
}
