package org.myelin.core.presence;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.myelin.core.link.ConnectionListener;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.ClearUserSyncCommand;
import org.myelin.protocol.UserSyncCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users syncing on this process (a worker), told to the presence writer by instance id.
 *
 * <ul>
 *   <li>{@code USER_SYNC <instance> <user> start} goes out when a user (with a device) starts a
 *       first sync here; further concurrent syncs send nothing.
 *   <li>{@code end} goes out the end delay (10 s) after the last of them stops; a sync starting again
 *       meanwhile sends nothing at all.
 *   <li>On every new link, {@code start} again for every user the writer believes syncing here, so a
 *       restarted writer rebuilds its table; and every refresh interval, so it never expires a live
 *       instance (and learns of a restart even over a link that survived it).
 *   <li>{@link #close()} sends {@code CLEAR_USER_SYNC <instance>} on every open link: the graceful
 *       shutdown, to be called before the links close.
 * </ul>
 *
 * <p>Transport-free: it sends on whatever links the engine reports (register it with the engine's
 * builder as a connection listener); each link encodes for its own dialect (a 1.66 peer gets no
 * device id). Time comes from the given clock and delays are applied by {@link #tick()}. Thread-safe.
 */
public final class SyncingUsers implements ConnectionListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SyncingUsers.class);

    private final String instanceId;
    private final SyncSettings settings;
    private final LongSupplier clock;
    /** Whether the wire carries device ids; without them a user's syncs are counted together. */
    private final boolean deviceIds;
    private final List<ReplicationConnection> links = new ArrayList<>();
    /** Concurrent syncs by user and device. */
    private final Map<SyncKey, Integer> syncs = new LinkedHashMap<>();
    /** Stopped syncing (at the given epoch ms); {@code end} not sent yet. */
    private final Map<SyncKey, Long> goingOffline = new LinkedHashMap<>();
    private long lastRefreshMs;
    private boolean closed;
    private long commandsSent;

    /**
     * @param instanceId this process's instance id: one word, unique per process run (a restarted
     *     worker must not inherit the users its predecessor left behind)
     * @param settings the delays
     * @param clock epoch milliseconds now
     */
    public SyncingUsers(String instanceId, SyncSettings settings, LongSupplier clock) {
        this(instanceId, settings, clock, true);
    }

    /**
     * @param instanceId this process's instance id: one word, unique per process run
     * @param settings the delays
     * @param clock epoch milliseconds now
     * @param deviceIds whether the writer's dialect carries device ids in {@code USER_SYNC} (not
     *     1.66). Without them the writer cannot tell one device's {@code end} from another's, so the
     *     syncs of a user on every device are counted together, as Synapse 1.66's workers do: one
     *     {@code start} on the first, one {@code end} after the last stops.
     */
    public SyncingUsers(String instanceId, SyncSettings settings, LongSupplier clock, boolean deviceIds) {
        new ClearUserSyncCommand(instanceId); // checks the id early, with the codec's message
        if (instanceId.contains(" ")) {
            throw new IllegalArgumentException("instance id must be one word: '" + instanceId + "'");
        }
        this.instanceId = instanceId;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.deviceIds = deviceIds;
        this.lastRefreshMs = clock.getAsLong();
    }

    /** The instance id sent in every command. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * One sync of {@code userId} on {@code deviceId} (may be {@code null}) started or stopped.
     *
     * @return {@code false} for a stop with no sync of that user and device running (nothing done)
     * @throws IllegalArgumentException for a user or device id that cannot go on the wire
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized boolean setSyncing(String userId, String deviceId, boolean syncing) {
        if (closed) {
            throw new IllegalStateException("instance " + instanceId + " is shutting down");
        }
        long now = clock.getAsLong();
        // Validates the ids before any state changes.
        new UserSyncCommand(instanceId, userId, deviceId, true, now);
        SyncKey key = new SyncKey(userId, deviceIds ? deviceId : null);
        UserSyncCommand start = new UserSyncCommand(instanceId, userId, key.deviceId(), true, now);
        if (syncing) {
            int n = syncs.merge(key, 1, Integer::sum);
            if (n == 1 && goingOffline.remove(key) == null) {
                send(start);
            }
            return true;
        }
        Integer n = syncs.get(key);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            syncs.remove(key);
            goingOffline.put(key, now);
        } else {
            syncs.put(key, n - 1);
        }
        return true;
    }

    /** Sends the {@code end}s that are due and, when due, the refresh. */
    public synchronized void tick() {
        if (closed) {
            return;
        }
        long now = clock.getAsLong();
        long delay = settings.endDelay().toMillis();
        for (Iterator<Map.Entry<SyncKey, Long>> it = goingOffline.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<SyncKey, Long> e = it.next();
            if (now - e.getValue() >= delay) {
                it.remove();
                send(new UserSyncCommand(instanceId, e.getKey().userId(), e.getKey().deviceId(), false,
                        e.getValue()));
            }
        }
        if (now - lastRefreshMs >= settings.refreshInterval().toMillis()) {
            lastRefreshMs = now;
            for (ReplicationConnection link : links) {
                announce(link, now);
            }
        }
    }

    /** A new link: the writer hears {@code start} for every user it should believe syncing here. */
    @Override
    public synchronized void connected(ReplicationConnection connection) {
        links.add(connection);
        if (!closed) {
            int n = announce(connection, clock.getAsLong());
            if (n > 0) {
                log.info("re-sent USER_SYNC start for {} syncing users on {}", n, connection.describe());
            }
        }
    }

    @Override
    public synchronized void disconnected(ReplicationConnection connection) {
        links.remove(connection);
    }

    /** The users syncing here (as the writer sees it: including those whose {@code end} is pending). */
    public synchronized List<SyncKey> syncing() {
        List<SyncKey> out = new ArrayList<>(syncs.keySet());
        out.addAll(goingOffline.keySet());
        return out;
    }

    /** {@code USER_SYNC} and {@code CLEAR_USER_SYNC} commands handed to links since start. */
    public synchronized long commandsSent() {
        return commandsSent;
    }

    /**
     * Sends {@code CLEAR_USER_SYNC <instance>} on every open link, once, and stops sending anything
     * else. Call it before the links close: a link hands the line over in order, so it is written
     * before a close requested afterwards.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ClearUserSyncCommand clear = new ClearUserSyncCommand(instanceId);
        for (ReplicationConnection link : links) {
            link.send(clear);
            commandsSent++;
        }
        log.info("sent CLEAR_USER_SYNC {} on {} links ({} users were syncing)", instanceId, links.size(),
                syncs.size() + goingOffline.size());
    }

    private int announce(ReplicationConnection link, long now) {
        int n = 0;
        for (SyncKey key : syncing()) {
            link.send(new UserSyncCommand(instanceId, key.userId(), key.deviceId(), true, now));
            commandsSent++;
            n++;
        }
        return n;
    }

    private void send(UserSyncCommand command) {
        for (ReplicationConnection link : links) {
            link.send(command);
            commandsSent++;
        }
    }

    /**
     * A user's syncs on one device.
     *
     * @param userId the Matrix user id
     * @param deviceId the device, or {@code null}
     */
    public record SyncKey(String userId, String deviceId) {}
}
