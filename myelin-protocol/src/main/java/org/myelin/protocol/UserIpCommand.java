package org.myelin.protocol;

/**
 * {@code USER_IP <user_id> [access_token, ip, user_agent, device_id, last_seen_ms]}: a worker saw a
 * client request. Published on the {@code <server_name>/USER_IP} Redis channel.
 *
 * <p>The string fields may be {@code null} (JSON {@code null}); they are free text.
 *
 * @param userId the Matrix user id
 * @param accessToken the access token used
 * @param ip the client's address
 * @param userAgent the client's User-Agent
 * @param deviceId the device, or {@code null}
 * @param lastSeenMs when the request was seen, epoch milliseconds
 */
public record UserIpCommand(String userId, String accessToken, String ip, String userAgent, String deviceId,
        long lastSeenMs) implements Command {
    /** @throws IllegalArgumentException if the user id is empty or holds a space or line break */
    public UserIpCommand {
        Fields.requireWord("user_id", userId);
    }

    @Override
    public CommandType type() {
        return CommandType.USER_IP;
    }

    /** Keeps the access token out of logs. */
    @Override
    public String toString() {
        return "UserIpCommand[userId=" + userId + ", accessToken=<redacted>, ip=" + ip + ", userAgent="
                + userAgent + ", deviceId=" + deviceId + ", lastSeenMs=" + lastSeenMs + "]";
    }
}
