package org.myelin.protocol;

/**
 * {@code CLEAR_USER_SYNC <instance_id>}: forget every syncing user of that instance (sent by a worker
 * shutting down gracefully).
 *
 * @param instanceId the instance whose users stop syncing; the rest of the line, not empty
 */
public record ClearUserSyncCommand(String instanceId) implements Command {
    /** @throws IllegalArgumentException if the id is empty or holds a line break */
    public ClearUserSyncCommand {
        Fields.requireText("instance_id", instanceId);
        if (instanceId.isEmpty()) {
            throw new IllegalArgumentException("instance_id must not be empty");
        }
    }

    @Override
    public CommandType type() {
        return CommandType.CLEAR_USER_SYNC;
    }
}
