package org.myelin.core.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every rule of the writer's table, on a clock the test moves (no real waiting). */
class PresenceWriterTest {
    static final long T0 = 1_795_714_408_234L;
    final AtomicLong clock = new AtomicLong(T0);
    final List<PresenceRow> rows = new ArrayList<>();
    final PresenceWriter writer = new PresenceWriter(PresenceSettings.defaults(), clock::get, rows::add);

    void advance(Duration d) {
        clock.addAndGet(d.toMillis());
        writer.tick();
    }

    @Test
    void firstStartTakesTheUserOnlineWithOneRowInSynapsesLayout() {
        writer.userSync("w1", "@bob:peer.test", null, true);
        writer.userSync("w2", "@bob:peer.test", null, true); // already online: no row

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).toJson().text())
                .isEqualTo("[\"@bob:peer.test\",\"online\"," + T0 + "," + T0 + "," + T0 + ",null,1]");
        assertThat(writer.user("@bob:peer.test")).get()
                .satisfies(u -> assertThat(u.instances()).isEqualTo(Set.of("w1", "w2")));
    }

    @Test
    void endGoesOfflineOnlyAfterTheSyncTimeoutCountedFromTheEnd() {
        writer.userSync("w1", "@bob:peer.test", null, true);
        advance(Duration.ofSeconds(100)); // held all along: stays online
        writer.userSync("w1", "@bob:peer.test", null, false);
        long ended = clock.get();
        advance(Duration.ofMillis(29_999));
        assertThat(rows).hasSize(1);
        assertThat(writer.user("@bob:peer.test").orElseThrow().row().state()).isEqualTo("online");

        advance(Duration.ofMillis(1));
        assertThat(rows).hasSize(2);
        PresenceRow off = rows.get(1);
        assertThat(off.state()).isEqualTo("offline");
        assertThat(off.lastUserSyncTs()).isEqualTo(ended);
        assertThat(off.lastActiveTs()).isEqualTo(T0);
        assertThat(off.lastFederationUpdateTs()).isEqualTo(clock.get());
        assertThat(writer.user("@bob:peer.test").orElseThrow().instances()).isEmpty();
    }

    @Test
    void aUserHeldByAnotherInstanceStaysOnline() {
        writer.userSync("w1", "@bob:peer.test", null, true);
        writer.userSync("w2", "@bob:peer.test", null, true);
        writer.clearInstance("w1");
        advance(Duration.ofMinutes(2));
        writer.userSync("w2", "@bob:peer.test", null, true); // w2 stays alive
        advance(Duration.ofMinutes(2));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online");
    }

    @Test
    void restartingWithinTheTimeoutPublishesNothing() {
        writer.userSync("w1", "@bob:peer.test", null, false);
        writer.userSync("w1", "@bob:peer.test", null, true);
        writer.userSync("w1", "@bob:peer.test", null, false);
        advance(Duration.ofSeconds(20));
        writer.userSync("w1", "@bob:peer.test", null, true);
        advance(Duration.ofSeconds(20));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online");
    }

    @Test
    void oneDeviceEndingDoesNotReleaseAUserStillSyncingOnAnother() {
        writer.userSync("w1", "@bob:peer.test", "A", true);
        writer.userSync("w1", "@bob:peer.test", "B", true);
        writer.userSync("w1", "@bob:peer.test", "A", false);
        advance(Duration.ofMinutes(1));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online");
        writer.userSync("w1", "@bob:peer.test", "B", false);
        advance(Duration.ofSeconds(30));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "offline");
    }

    @Test
    void clearDropsTheInstanceAtOnceThenTheSyncTimeoutApplies() {
        writer.userSync("w1", "@a:x", null, true);
        writer.userSync("w1", "@b:x", null, true);
        advance(Duration.ofSeconds(3));
        writer.clearInstance("w1");
        assertThat(writer.instances()).isEmpty();
        advance(Duration.ofSeconds(29));
        assertThat(rows).hasSize(2);
        advance(Duration.ofSeconds(1));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "online", "offline", "offline");
        assertThat(rows.get(2).lastUserSyncTs()).isEqualTo(T0 + 3_000);
    }

    @Test
    void aLateEndFromAClearedInstanceIsIgnoredAStartReopensItAndAnExpiredInstanceMayComeBack() {
        writer.userSync("gone", "@a:x", null, true);
        writer.clearInstance("gone");
        writer.userSync("gone", "@a:x", null, false); // nothing left to end
        assertThat(writer.instances()).isEmpty();
        advance(Duration.ofSeconds(30));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "offline");

        // an embedder restarted gracefully under the same instance id: its users come back
        writer.userSync("gone", "@a:x", null, true);
        assertThat(writer.user("@a:x").orElseThrow().instances()).containsExactly("gone");
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "offline", "online");

        writer.userSync("cut-off", "@b:x", null, true);
        advance(Duration.ofMinutes(5));
        writer.userSync("cut-off", "@b:x", null, true); // back before the sync timeout
        advance(Duration.ofMinutes(1));
        assertThat(writer.user("@b:x").orElseThrow().instances()).containsExactly("cut-off");
    }

    @Test
    void aSilentInstanceIsExpiredAfterFiveMinutesAndItsUsersGoOfflineThirtySecondsLater() {
        writer.userSync("dead", "@alice:x", null, true);
        advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(writer.instances()).containsKey("dead");
        advance(Duration.ofMillis(1));
        assertThat(writer.instances()).isEmpty();
        assertThat(writer.instancesExpired()).isEqualTo(1);
        assertThat(rows).hasSize(1);
        advance(Duration.ofSeconds(30));
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "offline");
    }

    @Test
    void anyUserSyncKeepsAnInstanceAlive() {
        writer.userSync("w1", "@alice:x", null, true);
        for (int i = 0; i < 10; i++) {
            advance(Duration.ofMinutes(4));
            writer.userSync("w1", "@alice:x", null, true); // a worker's refresh
        }
        assertThat(writer.instancesExpired()).isZero();
        assertThat(rows).hasSize(1);
    }

    @Test
    void aRestartedWriterRebuildsItsTableFromTheStartsWorkersResend() {
        writer.userSync("w1", "@alice:x", null, true);
        PresenceWriter restarted = new PresenceWriter(PresenceSettings.defaults(), clock::get, rows::add);
        assertThat(restarted.user("@alice:x")).isEmpty();
        restarted.userSync("w1", "@alice:x", null, true);
        assertThat(restarted.user("@alice:x").orElseThrow().instances()).containsExactly("w1");
        assertThat(restarted.onlineUsers()).isEqualTo(1);
    }

    @Test
    void timeoutsAreConfigurable() {
        PresenceWriter quick = new PresenceWriter(
                new PresenceSettings(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(100)),
                clock::get, rows::add);
        quick.userSync("w1", "@a:x", null, true);
        clock.addAndGet(2_000);
        quick.tick();
        clock.addAndGet(500);
        quick.tick();
        assertThat(rows).extracting(PresenceRow::state).containsExactly("online", "offline");
    }
}
