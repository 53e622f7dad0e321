package org.myelin.core.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The presence writer's table (usually the main process): per instance id, the users syncing there
 * and the time of its last command; per user, their presence. Transport-free: it hears
 * {@code USER_SYNC} and {@code CLEAR_USER_SYNC} by instance id, never by connection, so a reconnect
 * changes nothing and one Redis link may carry many instances.
 *
 * <p>Rules (PROTOCOL.md section 7): a user goes online on the first {@code start} from any instance;
 * while some instance has them syncing their {@code last_user_sync_ts} is kept current; once none
 * has, they go offline when the sync timeout has passed since. {@code CLEAR_USER_SYNC} drops an
 * instance's users at once (then the sync timeout applies); an instance silent for the instance
 * expiry is dropped the same way (but may come back: it was silent, maybe cut off, not gone). After
 * a {@code CLEAR_USER_SYNC} an instance's {@code end}s are ignored (nothing is left to end) and a
 * {@code start} opens it again: an embedding service may keep one instance id across graceful
 * restarts. Commands of one link are handled in order, so a {@code start} sent before the CLEAR
 * cannot overtake it. Each change of state is published to the {@link PresenceSink}.
 *
 * <p>Time comes from the given clock and timeouts are checked by {@link #tick()}, which the program
 * calls periodically and tests call after moving the clock. Thread-safe: every method holds this
 * object's lock, so changes are published in the order they happen.
 */
public final class PresenceWriter {
    private static final Logger log = LoggerFactory.getLogger(PresenceWriter.class);
    private final PresenceSettings settings;
    private final LongSupplier clock;
    private final PresenceSink sink;
    private final Map<String, Instance> instances = new LinkedHashMap<>();
    /** Users who are online (held by some instance, or within the sync timeout). */
    private final Map<String, User> online = new LinkedHashMap<>();
    /** Online users no instance holds: the ones {@link #tick()} may take offline. */
    private final Set<String> released = new HashSet<>();
    /** Offline users remembered for lookups; the oldest are forgotten beyond the limit (bounded memory). */
    private final Map<String, PresenceRow> offline;
    /**
     * Instances that sent {@code CLEAR_USER_SYNC} and no {@code start} since: their {@code end}s are
     * late and have nothing to end.
     */
    private final Map<String, Boolean> cleared;
    private long rowsPublished;
    private long instancesExpired;

    /**
     * @param settings the timeouts
     * @param clock epoch milliseconds now ({@code System::currentTimeMillis} in the program)
     * @param sink receives every state change
     */
    public PresenceWriter(PresenceSettings settings, LongSupplier clock, PresenceSink sink) {
        this(settings, PresenceLimits.defaults(), clock, sink);
    }

    /**
     * @param settings the timeouts
     * @param limits how many offline users and cleared instances are remembered
     * @param clock epoch milliseconds now ({@code System::currentTimeMillis} in the program)
     * @param sink receives every state change
     */
    public PresenceWriter(PresenceSettings settings, PresenceLimits limits, LongSupplier clock, PresenceSink sink) {
        this.settings = settings;
        this.clock = clock;
        this.sink = sink;
        this.offline = bounded(limits.maxOfflineRemembered());
        this.cleared = bounded(limits.maxClearedRemembered());
    }

    /** A map forgetting its least recently used entry beyond {@code max}. */
    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * A {@code USER_SYNC}: {@code userId} started ({@code syncing}) or stopped syncing on
     * {@code deviceId} ({@code null} when the dialect has none) on {@code instanceId}. A user is held
     * by an instance while any of their devices syncs there. A repeated {@code start} only refreshes
     * the instance.
     */
    public synchronized void userSync(String instanceId, String userId, String deviceId, boolean syncing) {
        if (cleared.containsKey(instanceId)) {
            if (!syncing) {
                log.debug("ignoring USER_SYNC end of {} from instance {}, which was cleared", userId, instanceId);
                return;
            }
            cleared.remove(instanceId);
            log.info("instance {} syncing again after CLEAR_USER_SYNC (a process that kept its instance id)",
                    instanceId);
        }
        long now = clock.getAsLong();
        Instance instance = instances.computeIfAbsent(instanceId, k -> new Instance());
        instance.lastSeenMs = now;
        if (syncing) {
            boolean first = !instance.users.containsKey(userId);
            instance.users.computeIfAbsent(userId, k -> new HashSet<>()).add(deviceId);
            if (first) {
                hold(userId, now);
            } else {
                touch(userId, now);
            }
        } else {
            Set<String> devices = instance.users.get(userId);
            if (devices != null && devices.remove(deviceId) && devices.isEmpty()) {
                instance.users.remove(userId);
                releaseIfUnheld(userId, now);
            }
        }
        if (instance.users.isEmpty() && !syncing) {
            instances.remove(instanceId); // nothing left to expire; a later start makes it anew
        }
    }

    /** A {@code CLEAR_USER_SYNC}: the instance's users stop syncing there at once. */
    public synchronized void clearInstance(String instanceId) {
        cleared.put(instanceId, Boolean.TRUE);
        Instance instance = instances.remove(instanceId);
        if (instance == null) {
            return;
        }
        long now = clock.getAsLong();
        log.info("instance {} cleared: {} users no longer syncing there", instanceId, instance.users.size());
        for (String user : instance.users.keySet()) {
            releaseIfUnheld(user, now);
        }
    }

    /**
     * Applies the timeouts as of now: expires instances silent for the instance expiry, then takes
     * offline the users no instance has held for the sync timeout.
     */
    public synchronized void tick() {
        long now = clock.getAsLong();
        List<String> expired = new ArrayList<>();
        instances.forEach((id, instance) -> {
            if (now - instance.lastSeenMs >= settings.instanceExpiry().toMillis()) {
                expired.add(id);
            }
        });
        for (String id : expired) {
            Instance instance = instances.remove(id);
            instancesExpired++;
            log.info("instance {} expired: silent for {} ms; {} users no longer syncing there", id,
                    now - instance.lastSeenMs, instance.users.size());
            for (String user : instance.users.keySet()) {
                releaseIfUnheld(user, now);
            }
        }
        long timeout = settings.syncTimeout().toMillis();
        for (Iterator<String> it = released.iterator(); it.hasNext(); ) {
            String userId = it.next();
            User user = online.get(userId);
            if (now - user.lastUserSyncTs >= timeout) {
                it.remove();
                online.remove(userId);
                PresenceRow row = new PresenceRow(userId, PresenceRow.OFFLINE, user.lastActiveTs, now,
                        user.lastUserSyncTs, user.statusMsg, false);
                offline.put(userId, row);
                publish(row);
            }
        }
    }

    /** The user's presence now; empty for a user never seen (or long forgotten). */
    public synchronized Optional<UserPresence> user(String userId) {
        User user = online.get(userId);
        if (user != null) {
            Set<String> holders = holders(userId);
            long lastSync = holders.isEmpty() ? user.lastUserSyncTs : clock.getAsLong();
            return Optional.of(new UserPresence(new PresenceRow(userId, PresenceRow.ONLINE, user.lastActiveTs,
                    user.lastFederationUpdateTs, lastSync, user.statusMsg, true), holders));
        }
        PresenceRow row = offline.get(userId);
        return row == null ? Optional.empty() : Optional.of(new UserPresence(row, Set.of()));
    }

    /** Every instance with syncing users: how many, and when it was last heard of (epoch ms). */
    public synchronized Map<String, InstanceState> instances() {
        Map<String, InstanceState> out = new TreeMap<>();
        instances.forEach((id, i) -> out.put(id, new InstanceState(i.users.size(), i.lastSeenMs)));
        return out;
    }

    /** Users online now. */
    public synchronized int onlineUsers() {
        return online.size();
    }

    /** Rows published since start. */
    public synchronized long rowsPublished() {
        return rowsPublished;
    }

    /** Instances expired for silence since start. */
    public synchronized long instancesExpired() {
        return instancesExpired;
    }

    private void hold(String userId, long now) {
        released.remove(userId);
        User user = online.get(userId);
        if (user == null) {
            PresenceRow before = offline.remove(userId);
            user = new User(now, now, now, before == null ? null : before.statusMsg());
            online.put(userId, user);
            publish(new PresenceRow(userId, PresenceRow.ONLINE, now, now, now, user.statusMsg, true));
        } else {
            user.lastUserSyncTs = now;
        }
    }

    private void touch(String userId, long now) {
        User user = online.get(userId);
        if (user != null) {
            user.lastUserSyncTs = now;
        }
    }

    private void releaseIfUnheld(String userId, long now) {
        User user = online.get(userId);
        if (user == null) {
            return;
        }
        user.lastUserSyncTs = now;
        if (holders(userId).isEmpty()) {
            released.add(userId);
        }
    }

    private Set<String> holders(String userId) {
        Set<String> out = new HashSet<>();
        instances.forEach((id, i) -> {
            if (i.users.containsKey(userId)) {
                out.add(id);
            }
        });
        return out;
    }

    private void publish(PresenceRow row) {
        rowsPublished++;
        log.debug("presence of {} is now {}", row.userId(), row.state());
        sink.publish(row);
    }

    /**
     * An instance as the table sees it.
     *
     * @param users how many users sync there
     * @param lastSeenMs when it last sent {@code USER_SYNC}, epoch ms
     */
    public record InstanceState(int users, long lastSeenMs) {}

    private static final class Instance {
        /** Syncing users and their devices ({@code null} for none). */
        final Map<String, Set<String>> users = new HashMap<>();
        long lastSeenMs;
    }

    private static final class User {
        final long lastActiveTs;
        final long lastFederationUpdateTs;
        long lastUserSyncTs;
        final String statusMsg;

        User(long lastActiveTs, long lastFederationUpdateTs, long lastUserSyncTs, String statusMsg) {
            this.lastActiveTs = lastActiveTs;
            this.lastFederationUpdateTs = lastFederationUpdateTs;
            this.lastUserSyncTs = lastUserSyncTs;
            this.statusMsg = statusMsg;
        }
    }
}
