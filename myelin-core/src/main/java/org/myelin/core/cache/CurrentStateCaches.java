package org.myelin.core.cache;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Expands Synapse's {@code cs_cache_fake} rows ({@code CURRENT_STATE_CACHE_NAME}): one row
 * {@code ["cs_cache_fake", [room_id, user_id...], ts]} stands for invalidating the caches that
 * depend on a room's current state, as Synapse's {@code _invalidate_state_caches(room_id,
 * members_changed)} does on the receiving side.
 *
 * <p>The list is the union of what Synapse 1.66 and later releases invalidate there: invalidating
 * a cache too many is only a reload, one too few is a stale read. Names nobody registered are
 * ignored, as Synapse ignores caches a worker does not have.
 */
final class CurrentStateCaches {
    /** The fake cache name. */
    static final String NAME = org.myelin.core.rows.CachesRow.CURRENT_STATE_CACHE;

    /** Caches keyed by {@code (room_id,)}, invalidated for every such row. */
    private static final List<String> BY_ROOM = List.of(
            "get_users_in_room", "get_users_in_room_with_profiles", "get_room_summary", "get_current_state_ids",
            "get_partial_current_state_ids", "get_current_hosts_in_room", "get_number_joined_users_in_room",
            "get_local_users_in_room");
    /** Caches keyed by {@code (room_id, host)}, for each server of a changed member. */
    private static final List<String> BY_ROOM_AND_HOST = List.of("is_host_joined", "is_host_invited");
    /** Caches keyed by {@code (room_id, user_id)}, for each changed member. */
    private static final List<String> BY_ROOM_AND_USER = List.of("get_user_in_room_with_profile");
    /** Caches keyed by {@code (user_id,)}, for each changed member. */
    private static final List<String> BY_USER = List.of("get_rooms_for_user_with_stream_ordering",
            "get_rooms_for_user");
    /** Caches that cannot be invalidated per member, dropped whole when members changed. */
    private static final List<String> WHOLE_WHEN_MEMBERS_CHANGE = List.of("does_pair_of_users_share_a_room");

    private CurrentStateCaches() {}

    /** One invalidation: an entry of a cache, or all of it when {@code key} is null. */
    record Invalidation(String cache, CacheKey key) {}

    /** What a row with these keys ({@code [room_id, user_id...]}) invalidates. */
    static List<Invalidation> expand(List<String> keys) {
        List<Invalidation> out = new ArrayList<>();
        if (keys == null || keys.isEmpty() || keys.get(0) == null) {
            // Synapse refuses to send this; if a peer does, dropping everything involved is the safe reading.
            for (List<String> names : List.of(BY_ROOM, BY_ROOM_AND_HOST, BY_ROOM_AND_USER, BY_USER,
                    WHOLE_WHEN_MEMBERS_CHANGE)) {
                names.forEach(n -> out.add(new Invalidation(n, null)));
            }
            return out;
        }
        String roomId = keys.get(0);
        Set<String> members = new LinkedHashSet<>();
        for (String user : keys.subList(1, keys.size())) {
            if (user != null) {
                members.add(user);
            }
        }
        Set<String> hosts = new LinkedHashSet<>();
        for (String user : members) {
            int colon = user.indexOf(':');
            if (colon >= 0) {
                hosts.add(user.substring(colon + 1));
            }
        }
        for (String host : hosts) {
            BY_ROOM_AND_HOST.forEach(n -> out.add(new Invalidation(n, CacheKey.of(roomId, host))));
        }
        for (String user : members) {
            BY_ROOM_AND_USER.forEach(n -> out.add(new Invalidation(n, CacheKey.of(roomId, user))));
            BY_USER.forEach(n -> out.add(new Invalidation(n, CacheKey.of(user))));
        }
        if (!members.isEmpty()) {
            WHOLE_WHEN_MEMBERS_CHANGE.forEach(n -> out.add(new Invalidation(n, null)));
        }
        BY_ROOM.forEach(n -> out.add(new Invalidation(n, CacheKey.of(roomId))));
        return out;
    }
}
