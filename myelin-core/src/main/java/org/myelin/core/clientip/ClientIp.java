package org.myelin.core.clientip;

/**
 * One client request a worker reported with {@code USER_IP}, as stored.
 *
 * @param userId the Matrix user id
 * @param accessToken the access token used (a secret: never logged)
 * @param ip the client's address
 * @param userAgent the client's User-Agent, or {@code null}
 * @param deviceId the device, or {@code null}
 * @param lastSeenMs when, epoch ms
 */
public record ClientIp(String userId, String accessToken, String ip, String userAgent, String deviceId,
        long lastSeenMs) {
    /** Keeps the access token out of logs. */
    @Override
    public String toString() {
        return "ClientIp[userId=" + userId + ", ip=" + ip + ", userAgent=" + userAgent + ", deviceId=" + deviceId
                + ", lastSeenMs=" + lastSeenMs + "]";
    }
}
