package org.myelin.protocol;

/**
 * {@code LOCK_RELEASED ["<instance_name>","<lock_name>","<lock_key>"]}: a named lock was released.
 * Newer dialect only.
 *
 * @param instanceName the instance that held the lock
 * @param lockName the lock's name
 * @param lockKey the lock's key
 */
public record LockReleasedCommand(String instanceName, String lockName, String lockKey) implements Command {
    /** @throws IllegalArgumentException if a field is null */
    public LockReleasedCommand {
        if (instanceName == null || lockName == null || lockKey == null) {
            throw new IllegalArgumentException("LOCK_RELEASED fields must not be null");
        }
    }

    @Override
    public CommandType type() {
        return CommandType.LOCK_RELEASED;
    }
}
