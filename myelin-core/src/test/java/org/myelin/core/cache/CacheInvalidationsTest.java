package org.myelin.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.rows.CachesRow;
import org.myelin.protocol.RawJson;

class CacheInvalidationsTest {
    private final CacheInvalidations registry = new CacheInvalidations();

    private static RawJson row(String json) {
        return RawJson.of(json);
    }

    private static void fill(ReplicatedCache<String> cache, String... keys) {
        for (String k : keys) {
            cache.put(CacheKey.of(k), "v-" + k);
        }
    }

    @Test
    void aRowWithOneKeyDropsThatEntryOnly() {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x", "@b:x");
        registry.onRows("caches", "master", 1, List.of(row("[\"get_user_by_id\",[\"@a:x\"],1]")));
        assertThat(users.getIfPresent(CacheKey.of("@a:x"))).isNull();
        assertThat(users.getIfPresent(CacheKey.of("@b:x"))).isEqualTo("v-@b:x");
    }

    @Test
    void aRowWithAMultiPartKeyDropsThatTupleOnly() {
        ReplicatedCache<String> joined = registry.register("is_host_joined", 100);
        joined.put(CacheKey.of("!r:x", "x"), "yes");
        joined.put(CacheKey.of("!r:x", "y"), "yes");
        joined.put(CacheKey.of("!r:x"), "other");
        registry.apply(row("[\"is_host_joined\",[\"!r:x\",\"x\"],1]"));
        assertThat(joined.getIfPresent(CacheKey.of("!r:x", "x"))).isNull();
        assertThat(joined.getIfPresent(CacheKey.of("!r:x", "y"))).isEqualTo("yes");
        assertThat(joined.getIfPresent(CacheKey.of("!r:x"))).isEqualTo("other");
    }

    @Test
    void severalRowsOfOneTokenAreAllApplied() {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x", "@b:x", "@c:x");
        registry.onRows("caches", "master", 4, List.of(row("[\"get_user_by_id\",[\"@a:x\"],1]"),
                row("[\"get_user_by_id\",[\"@c:x\"],1]")));
        assertThat(users.estimatedSize()).isEqualTo(1);
        assertThat(users.getIfPresent(CacheKey.of("@b:x"))).isNotNull();
    }

    @Test
    void nullKeysDropTheWholeCacheAndNoOther() {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        ReplicatedCache<String> rooms = registry.register("get_rooms_for_user", 100);
        fill(users, "@a:x", "@b:x");
        fill(rooms, "@a:x");
        registry.apply(row("[\"get_user_by_id\",null,1]"));
        assertThat(users.getIfPresent(CacheKey.of("@a:x"))).isNull();
        assertThat(users.getIfPresent(CacheKey.of("@b:x"))).isNull();
        assertThat(rooms.getIfPresent(CacheKey.of("@a:x"))).isNotNull();
    }

    @Test
    void csCacheFakeDropsTheCurrentStateCachesOfTheRoomAndItsChangedMembers() {
        ReplicatedCache<String> inRoom = registry.register("get_users_in_room", 100);
        ReplicatedCache<String> summary = registry.register("get_room_summary", 100);
        ReplicatedCache<String> hostJoined = registry.register("is_host_joined", 100);
        ReplicatedCache<String> roomsForUser = registry.register("get_rooms_for_user", 100);
        ReplicatedCache<String> unrelated = registry.register("get_user_by_id", 100);
        fill(inRoom, "!r:x", "!other:x");
        fill(summary, "!r:x");
        hostJoined.put(CacheKey.of("!r:x", "a.example"), "t");
        hostJoined.put(CacheKey.of("!r:x", "b.example"), "t");
        hostJoined.put(CacheKey.of("!r:x", "c.example"), "t");
        fill(roomsForUser, "@u:a.example", "@v:b.example", "@w:c.example");
        fill(unrelated, "!r:x", "@u:a.example");

        registry.apply(row("[\"cs_cache_fake\",[\"!r:x\",\"@u:a.example\",\"@v:b.example\"],1]"));

        assertThat(inRoom.getIfPresent(CacheKey.of("!r:x"))).isNull();
        assertThat(inRoom.getIfPresent(CacheKey.of("!other:x"))).isNotNull();
        assertThat(summary.getIfPresent(CacheKey.of("!r:x"))).isNull();
        assertThat(hostJoined.getIfPresent(CacheKey.of("!r:x", "a.example"))).isNull();
        assertThat(hostJoined.getIfPresent(CacheKey.of("!r:x", "b.example"))).isNull();
        assertThat(hostJoined.getIfPresent(CacheKey.of("!r:x", "c.example"))).isNotNull();
        assertThat(roomsForUser.getIfPresent(CacheKey.of("@u:a.example"))).isNull();
        assertThat(roomsForUser.getIfPresent(CacheKey.of("@v:b.example"))).isNull();
        assertThat(roomsForUser.getIfPresent(CacheKey.of("@w:c.example"))).isNotNull();
        assertThat(unrelated.estimatedSize()).isEqualTo(2);
    }

    @Test
    void csCacheFakeWithoutMembersStillDropsTheRoomCaches() {
        ReplicatedCache<String> inRoom = registry.register("get_users_in_room", 100);
        ReplicatedCache<String> hostJoined = registry.register("is_host_joined", 100);
        fill(inRoom, "!r:x");
        hostJoined.put(CacheKey.of("!r:x", "a.example"), "t");
        for (CachesRow r : CachesRow.currentState("!r:x", List.of(), 5)) {
            registry.apply(r);
        }
        assertThat(inRoom.getIfPresent(CacheKey.of("!r:x"))).isNull();
        assertThat(hostJoined.getIfPresent(CacheKey.of("!r:x", "a.example"))).isNotNull();
    }

    @Test
    void csCacheFakeWithNullKeysWhichSynapseRefusesToSendDropsEveryCurrentStateCache() {
        ReplicatedCache<String> inRoom = registry.register("get_users_in_room", 100);
        ReplicatedCache<String> hostJoined = registry.register("is_host_joined", 100);
        ReplicatedCache<String> unrelated = registry.register("get_user_by_id", 100);
        fill(inRoom, "!r:x", "!s:x");
        hostJoined.put(CacheKey.of("!r:x", "a.example"), "t");
        fill(unrelated, "@a:x");
        registry.apply(row("[\"cs_cache_fake\",null,1]"));
        assertThat(inRoom.estimatedSize()).isZero();
        assertThat(hostJoined.estimatedSize()).isZero();
        assertThat(unrelated.estimatedSize()).isEqualTo(1);
    }

    @Test
    void theWriterSideChunksMembersAsSynapseDoes() {
        List<String> members = java.util.stream.IntStream.range(0, 120).mapToObj(i -> "@u" + i + ":x").toList();
        List<CachesRow> rows = CachesRow.currentState("!r:x", members, 5);
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(r -> assertThat(r.keys().get(0)).isEqualTo("!r:x"));
        assertThat(rows.get(0).keys()).hasSize(51);
        assertThat(rows.get(2).keys()).hasSize(21);
        assertThat(rows.get(0).encode().text()).startsWith("[\"cs_cache_fake\",[\"!r:x\",\"@u0:x\",");
    }

    @Test
    void unknownCacheNamesAndOddRowsAreIgnored() {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x");
        registry.onRows("caches", "master", 1, List.of(row("[\"get_something_else\",[\"@a:x\"],1]"),
                row("[\"get_something_else\",null,1]"), row("{\"not\":\"a row\"}"), row("[1,2,3]")));
        assertThat(users.getIfPresent(CacheKey.of("@a:x"))).isNotNull();
        assertThat(registry.appliedToken("caches", "master")).isEqualTo(1);
    }

    @Test
    void keysACacheKeyCannotHoldDropTheWholeNamedCache() {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x", "@b:x");
        registry.apply(row("[\"get_user_by_id\",[\"@a:x\",3],1]"));
        assertThat(users.estimatedSize()).isZero();
    }

    @Test
    void rowsOfOtherStreamsInvalidateNothingButMoveTheirToken() throws Exception {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x");
        CompletableFuture<Void> events = registry.awaitToken("events", "master", 3);
        registry.onRows("events", "master", 3, List.of(row("[\"get_user_by_id\",[\"@a:x\"],1]")));
        assertThat(users.getIfPresent(CacheKey.of("@a:x"))).isNotNull();
        events.get(10, TimeUnit.SECONDS);
        assertThat(registry.awaitToken("master", 1)).isNotDone();
    }

    @Test
    void awaitTokenCompletesOnceTheTokenIsAppliedByRowsOrPosition() throws Exception {
        CompletableFuture<Void> five = registry.awaitToken("master", 5);
        CompletableFuture<Void> seven = registry.awaitToken("master", 7);
        CompletableFuture<Void> otherInstance = registry.awaitToken("worker2", 5);
        registry.onRows("caches", "master", 5, List.of(row("[\"x\",null,1]")));
        five.get(10, TimeUnit.SECONDS);
        assertThat(seven).isNotDone();
        assertThat(otherInstance).isNotDone();
        registry.wrap((s, i, t, r) -> {}).onPosition("caches", "master", 9);
        seven.get(10, TimeUnit.SECONDS);
        assertThat(registry.awaitToken("master", 2)).isDone();
        assertThat(registry.appliedToken("caches", "master")).isEqualTo(9);
    }

    @Test
    void aWaiterThatGivesUpIsForgotten() {
        CompletableFuture<Void> never = registry.awaitToken("master", 100).orTimeout(10, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> never.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        registry.onRows("caches", "master", 100, List.of(row("[\"x\",null,1]")));
        assertThat(never).isCompletedExceptionally();
    }

    @Test
    void theWrapperInvalidatesBeforeTheDelegateAndMarksTheTokenAfterIt() throws Exception {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        fill(users, "@a:x");
        AtomicReference<String> seenByDelegate = new AtomicReference<>("unset");
        AtomicReference<Long> appliedDuringDelegate = new AtomicReference<>();
        ReplicationDataHandler handler = registry.wrap((stream, instance, token, rows) -> {
            seenByDelegate.set(users.getIfPresent(CacheKey.of("@a:x")));
            appliedDuringDelegate.set(registry.appliedToken(stream, instance));
        });
        handler.onRows("caches", "master", 2, List.of(row("[\"get_user_by_id\",[\"@a:x\"],1]")));
        assertThat(seenByDelegate.get()).isNull();
        assertThat(appliedDuringDelegate.get()).isEqualTo(-1L);
        assertThat(registry.appliedToken("caches", "master")).isEqualTo(2);
    }

    @Test
    void aFailingDelegateLeavesTheTokenWhereItWas() {
        ReplicationDataHandler handler = registry.wrap((stream, instance, token, rows) -> {
            throw new IllegalStateException("cannot handle");
        });
        assertThatThrownBy(() -> handler.onRows("caches", "master", 2, List.of(row("[\"x\",null,1]"))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(registry.awaitToken("master", 2)).isNotDone();
    }

    @Test
    void aLoadOverlappingAnInvalidationIsNotKept() throws Exception {
        ReplicatedCache<String> users = registry.register("get_user_by_id", 100);
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch invalidated = new CountDownLatch(1);
        AtomicInteger loads = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = pool.submit(() -> users.get(CacheKey.of("@a:x"), k -> {
                loads.incrementAndGet();
                loading.countDown();
                await(invalidated);
                return "old";
            }));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            // Another key's invalidation: the load cannot tell which, so it is not kept either.
            registry.apply(row("[\"get_user_by_id\",null,1]"));
            invalidated.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("old");
            assertThat(users.getIfPresent(CacheKey.of("@a:x"))).isNull();
            assertThat(users.get(CacheKey.of("@a:x"), k -> "new")).isEqualTo("new");
            assertThat(users.get(CacheKey.of("@a:x"), k -> "newer")).isEqualTo("new");
            assertThat(loads).hasValue(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void registeringTwiceUnderOneNameFails() {
        registry.register("get_user_by_id", 10);
        assertThatThrownBy(() -> registry.register("get_user_by_id", 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("get_user_by_id");
        assertThat(registry.cache("get_user_by_id")).isPresent();
        assertThat(registry.cache("nope")).isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
