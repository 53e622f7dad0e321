package org.myelin.protocol;

/**
 * {@code USER_SYNC <instance_id> <user_id> [<device_id>|None] start|end <last_sync_ms>}: a user
 * started or stopped syncing on an instance.
 *
 * <p>Synapse up to 1.92 sends four fields (no device); later releases five, with the device id
 * written {@code None} when absent. Both are parsed; {@link Dialect} decides which is sent.
 *
 * @param instanceId the instance the user syncs on (identity for presence, not the connection)
 * @param userId the Matrix user id
 * @param deviceId the device, or {@code null} when absent or not sent
 * @param syncing {@code true} for {@code start}, {@code false} for {@code end}
 * @param lastSyncMs when the user last synced, epoch milliseconds
 */
public record UserSyncCommand(String instanceId, String userId, String deviceId, boolean syncing, long lastSyncMs)
        implements Command {
    /** The word the latest dialect sends for a missing device id. */
    public static final String NO_DEVICE = "None";

    /**
     * @throws IllegalArgumentException if an id is empty or holds a space or line break, or the
     *     device id is literally {@code None} (which means "no device" on the wire)
     */
    public UserSyncCommand {
        Fields.requireWord("instance_id", instanceId);
        Fields.requireWord("user_id", userId);
        Fields.optionalWord("device_id", deviceId);
        if (NO_DEVICE.equals(deviceId)) {
            throw new IllegalArgumentException("device_id 'None' means no device; use null");
        }
    }

    /** The wire word for {@link #syncing()}. */
    public String state() {
        return syncing ? "start" : "end";
    }

    @Override
    public CommandType type() {
        return CommandType.USER_SYNC;
    }
}
