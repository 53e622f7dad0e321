package org.myelin.protocol;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Describes a command as a JSON object for people and scripts: {@code command} is the wire name,
 * the other keys are the command's fields by their protocol names ({@code stream}, {@code instance},
 * {@code token}, {@code row}, {@code prev_token}, {@code new_token}, {@code data}, ...).
 * {@code USER_IP}'s access token is left out.
 */
public final class CommandJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CommandJson() {}

    /**
     * @throws ProtocolException if the command is an {@code RDATA} whose row is not valid JSON
     */
    public static ObjectNode describe(Command command) {
        ObjectNode out = NODES.objectNode().put("command", command.name());
        switch (command.type()) {
            case RDATA -> {
                RdataCommand r = (RdataCommand) command;
                out.put("stream", r.stream()).put("instance", r.instance());
                if (r.isBatch()) {
                    out.put("token", "batch");
                } else {
                    out.put("token", r.token());
                }
                out.set("row", r.row().tree());
            }
            case POSITION -> {
                PositionCommand p = (PositionCommand) command;
                out.put("stream", p.stream()).put("instance", p.instance())
                        .put("prev_token", p.prevToken()).put("new_token", p.newToken());
            }
            case USER_SYNC -> {
                UserSyncCommand u = (UserSyncCommand) command;
                out.put("instance_id", u.instanceId()).put("user_id", u.userId()).put("device_id", u.deviceId())
                        .put("state", u.state()).put("last_sync_ms", u.lastSyncMs());
            }
            case CLEAR_USER_SYNC -> out.put("instance_id", ((ClearUserSyncCommand) command).instanceId());
            case FEDERATION_ACK -> {
                FederationAckCommand f = (FederationAckCommand) command;
                out.put("instance_name", f.instanceName()).put("token", f.token());
            }
            case USER_IP -> {
                UserIpCommand u = (UserIpCommand) command;
                out.put("user_id", u.userId()).put("ip", u.ip()).put("user_agent", u.userAgent())
                        .put("device_id", u.deviceId()).put("last_seen_ms", u.lastSeenMs());
            }
            case LOCK_RELEASED -> {
                LockReleasedCommand l = (LockReleasedCommand) command;
                out.put("instance_name", l.instanceName()).put("lock_name", l.lockName())
                        .put("lock_key", l.lockKey());
            }
            case REPLICATE -> { }
            case SERVER, NAME, PING, ERROR, REMOTE_SERVER_UP, NEW_ACTIVE_TASK ->
                    out.put("data", ((StringCommand) command).data());
        }
        return out;
    }
}
