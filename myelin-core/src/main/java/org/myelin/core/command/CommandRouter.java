package org.myelin.core.command;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.myelin.core.CommandListener;
import org.myelin.core.clientip.UserIpRecorder;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.protocol.ClearUserSyncCommand;
import org.myelin.protocol.Command;
import org.myelin.protocol.FederationAckCommand;
import org.myelin.protocol.LockReleasedCommand;
import org.myelin.protocol.NewActiveTaskCommand;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.UserIpCommand;
import org.myelin.protocol.UserSyncCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the non-stream commands mean to this process: give it to the engine's builder
 * ({@code onCommand}). {@code USER_SYNC}/{@code CLEAR_USER_SYNC} go to the presence writer,
 * {@code USER_IP} to the recorder, {@code FEDERATION_ACK} to the ack table, when this process has
 * them (a process without one ignores the command cheaply, and counts it); {@code REMOTE_SERVER_UP},
 * {@code LOCK_RELEASED} and {@code NEW_ACTIVE_TASK} go to every callback registered for them.
 *
 * <p>Transport-free: the instance a command concerns is the one it names, never the link it came on.
 * Callbacks may be added at any time; one that throws is logged by the engine's task runner, and the
 * others have already run or still run.
 */
public final class CommandRouter implements CommandListener {
    private static final Logger log = LoggerFactory.getLogger(CommandRouter.class);

    private final PresenceWriter presence;
    private final UserIpRecorder userIps;
    private final FederationAcks federationAcks;
    private final List<Consumer<String>> remoteServerUp = new CopyOnWriteArrayList<>();
    private final List<Consumer<LockReleasedCommand>> lockReleased = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> newActiveTask = new CopyOnWriteArrayList<>();
    private final LongAdder ignored = new LongAdder();

    /**
     * @param presence the presence writer, or {@code null} on a process that does not write presence
     * @param userIps where {@code USER_IP} is stored, or {@code null} on a process not configured to
     * @param federationAcks where {@code FEDERATION_ACK} is recorded, or {@code null}
     */
    public CommandRouter(PresenceWriter presence, UserIpRecorder userIps, FederationAcks federationAcks) {
        this.presence = presence;
        this.userIps = userIps;
        this.federationAcks = federationAcks;
    }

    /** A router for a process that only takes callbacks (a worker). */
    public static CommandRouter callbacksOnly() {
        return new CommandRouter(null, null, null);
    }

    /** Calls {@code callback} with the server name of every {@code REMOTE_SERVER_UP}. */
    public CommandRouter onRemoteServerUp(Consumer<String> callback) {
        remoteServerUp.add(callback);
        return this;
    }

    /** Calls {@code callback} with every {@code LOCK_RELEASED} (latest dialect only). */
    public CommandRouter onLockReleased(Consumer<LockReleasedCommand> callback) {
        lockReleased.add(callback);
        return this;
    }

    /** Calls {@code callback} with the task id of every {@code NEW_ACTIVE_TASK} (latest dialect only). */
    public CommandRouter onNewActiveTask(Consumer<String> callback) {
        newActiveTask.add(callback);
        return this;
    }

    /** Commands this process had no use for (no presence writer, not storing client IPs, ...). */
    public long ignored() {
        return ignored.sum();
    }

    @Override
    public void onCommand(ReplicationConnection connection, Command command) {
        if (command instanceof UserSyncCommand sync) {
            if (presence != null) {
                presence.userSync(sync.instanceId(), sync.userId(), sync.deviceId(), sync.syncing());
            } else {
                ignore(connection, command);
            }
        } else if (command instanceof ClearUserSyncCommand clear) {
            if (presence != null) {
                presence.clearInstance(clear.instanceId());
            } else {
                ignore(connection, command);
            }
        } else if (command instanceof UserIpCommand ip) {
            if (userIps != null) {
                userIps.record(ip);
            } else {
                ignore(connection, command);
            }
        } else if (command instanceof FederationAckCommand ack) {
            if (federationAcks != null) {
                federationAcks.ack(ack.instanceName(), ack.token());
            } else {
                ignore(connection, command);
            }
        } else if (command instanceof RemoteServerUpCommand up) {
            remoteServerUp.forEach(c -> c.accept(up.data()));
        } else if (command instanceof LockReleasedCommand released) {
            lockReleased.forEach(c -> c.accept(released));
        } else if (command instanceof NewActiveTaskCommand task) {
            newActiveTask.forEach(c -> c.accept(task.data()));
        } else {
            ignore(connection, command);
        }
    }

    private void ignore(ReplicationConnection connection, Command command) {
        ignored.increment();
        if (log.isDebugEnabled()) { // some peers send such commands often; describing the link costs
            log.debug("ignoring {} from {}: this process has no use for it", command.name(), connection.describe());
        }
    }
}
