package org.myelin.core.clientip;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.myelin.protocol.UserIpCommand;

/**
 * Stores {@code USER_IP} reports, at most one write per key (user, access token, ip) per interval
 * (Synapse's 2 minutes): a busy client costs one database write every two minutes, not one per
 * request. The keys written recently are remembered in a bounded table; a key evicted from it early
 * costs at most one extra write. Thread-safe.
 */
public final class UserIpRecorder {
    private final ClientIpStore store;
    private final LongSupplier clock;
    private final long intervalMs;
    private final Map<Key, Long> lastWritten;
    private long written;
    private long throttled;

    /**
     * @param store where rows go
     * @param clock epoch milliseconds now
     * @param interval the least time between two writes of one key (2 minutes in Synapse)
     */
    public UserIpRecorder(ClientIpStore store, LongSupplier clock, Duration interval) {
        this(store, clock, new UserIpSettings(interval, UserIpSettings.defaults().maxKeys()));
    }

    /**
     * @param store where rows go
     * @param clock epoch milliseconds now
     * @param settings the interval between two writes of one key, and how many keys are remembered
     */
    public UserIpRecorder(ClientIpStore store, LongSupplier clock, UserIpSettings settings) {
        this.store = store;
        this.clock = clock;
        this.intervalMs = settings.interval().toMillis();
        int maxKeys = settings.maxKeys();
        this.lastWritten = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** A recorder with Synapse's 2-minute interval on the system clock. */
    public static UserIpRecorder withDefaults(ClientIpStore store) {
        return create(store, UserIpSettings.defaults());
    }

    /** A recorder with these settings on the system clock. */
    public static UserIpRecorder create(ClientIpStore store, UserIpSettings settings) {
        return new UserIpRecorder(store, System::currentTimeMillis, settings);
    }

    /**
     * Writes the report unless its key was written less than the interval ago.
     *
     * @return whether it was written
     */
    public boolean record(UserIpCommand command) {
        Key key = new Key(command.userId(), command.accessToken(), command.ip());
        long now = clock.getAsLong();
        synchronized (this) {
            Long last = lastWritten.get(key);
            if (last != null && now - last < intervalMs) {
                throttled++;
                return false;
            }
            lastWritten.put(key, now);
        }
        try {
            store.upsert(new ClientIp(command.userId(), command.accessToken(), command.ip(), command.userAgent(),
                    command.deviceId(), command.lastSeenMs()));
        } catch (RuntimeException e) {
            synchronized (this) {
                lastWritten.remove(key); // not written: the next report tries again
            }
            throw e;
        }
        synchronized (this) {
            written++;
        }
        return true;
    }

    /** Reports written since start. */
    public synchronized long written() {
        return written;
    }

    /** Reports skipped because their key was written recently. */
    public synchronized long throttled() {
        return throttled;
    }

    private record Key(String userId, String accessToken, String ip) {}
}
