package org.myelin.core.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;

/** The worker side's sends, on a clock the test moves (no real waiting). */
class SyncingUsersTest {
    static final long T0 = 1_795_714_408_234L;
    final AtomicLong clock = new AtomicLong(T0);
    final SyncingUsers users = new SyncingUsers("w1", SyncSettings.defaults(), clock::get);

    /** A link speaking one dialect, keeping the lines it was asked to send. */
    static final class Wire implements ReplicationConnection {
        final Dialect dialect;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Wire(Dialect dialect) {
            this.dialect = dialect;
        }

        @Override
        public String describe() {
            return "wire";
        }

        @Override
        public void send(Command command) {
            if (dialect.supports(command.type())) {
                lines.add(CommandCodec.encode(command, dialect));
            }
        }

        @Override
        public void close(String errorReason) {}
    }

    void advance(Duration d) {
        clock.addAndGet(d.toMillis());
        users.tick();
    }

    @Test
    void firstSyncSendsStartLaterOnesNothing() {
        Wire wire = new Wire(Dialect.LATEST);
        users.connected(wire);
        users.setSyncing("@a:x", "DEV", true);
        users.setSyncing("@a:x", "DEV", true);
        assertThat(wire.lines).containsExactly("USER_SYNC w1 @a:x DEV start " + T0);
    }

    /**
     * A 1.66 writer hears no device ids, so an {@code end} for one device would end the user on all
     * of them: the user's syncs on every device count together, one {@code start} and one
     * {@code end}, as Synapse 1.66's workers send.
     */
    @Test
    void withoutDeviceIdsOnTheWireAUsersDevicesCountTogether() {
        SyncingUsers old = new SyncingUsers("w1", SyncSettings.defaults(), clock::get, false);
        Wire wire = new Wire(Dialect.SYNAPSE_1_66);
        old.connected(wire);
        old.setSyncing("@a:x", "PHONE", true);
        old.setSyncing("@a:x", "LAPTOP", true);
        old.setSyncing("@a:x", "PHONE", false);
        clock.addAndGet(Duration.ofSeconds(30).toMillis());
        old.tick();
        assertThat(wire.lines).as("the laptop still syncs").containsExactly("USER_SYNC w1 @a:x start " + T0);
        old.setSyncing("@a:x", "LAPTOP", false);
        long stopped = clock.get();
        clock.addAndGet(Duration.ofSeconds(10).toMillis());
        old.tick();
        assertThat(wire.lines).containsExactly("USER_SYNC w1 @a:x start " + T0, "USER_SYNC w1 @a:x end " + stopped);

        // and the writer, hearing those lines, keeps the user online while the laptop syncs
        List<PresenceRow> published = new ArrayList<>();
        PresenceWriter writer = new PresenceWriter(PresenceSettings.defaults(), clock::get, published::add);
        SyncingUsers again = new SyncingUsers("w2", SyncSettings.defaults(), clock::get, false);
        again.connected(new ReplicationConnection() {
            @Override
            public String describe() {
                return "to the writer";
            }

            @Override
            public void send(Command command) {
                Command heard = CommandCodec.parse(CommandCodec.encode(command, Dialect.SYNAPSE_1_66));
                if (heard instanceof org.myelin.protocol.UserSyncCommand u) {
                    writer.userSync(u.instanceId(), u.userId(), u.deviceId(), u.syncing());
                }
            }

            @Override
            public void close(String errorReason) {}
        });
        again.setSyncing("@b:x", "PHONE", true);
        again.setSyncing("@b:x", "LAPTOP", true);
        again.setSyncing("@b:x", "PHONE", false);
        clock.addAndGet(Duration.ofMinutes(1).toMillis());
        again.tick();
        writer.tick();
        assertThat(writer.user("@b:x").orElseThrow().row().state()).isEqualTo(PresenceRow.ONLINE);
        assertThat(published).extracting(PresenceRow::state).containsExactly(PresenceRow.ONLINE);
    }

    @Test
    void endGoesOutTenSecondsAfterTheLastSyncStopsWithTheStopTime() {
        Wire wire = new Wire(Dialect.LATEST);
        users.connected(wire);
        users.setSyncing("@a:x", null, true);
        users.setSyncing("@a:x", null, true);
        users.setSyncing("@a:x", null, false);
        advance(Duration.ofSeconds(30));
        assertThat(wire.lines).hasSize(1); // one sync still running
        users.setSyncing("@a:x", null, false);
        long stopped = clock.get();
        advance(Duration.ofMillis(9_999));
        assertThat(wire.lines).hasSize(1);
        advance(Duration.ofMillis(1));
        assertThat(wire.lines).containsExactly("USER_SYNC w1 @a:x None start " + T0,
                "USER_SYNC w1 @a:x None end " + stopped);
        assertThat(users.syncing()).isEmpty();
    }

    @Test
    void aQuickResyncSendsNothing() {
        Wire wire = new Wire(Dialect.LATEST);
        users.connected(wire);
        users.setSyncing("@a:x", null, true);
        users.setSyncing("@a:x", null, false);
        advance(Duration.ofSeconds(9));
        users.setSyncing("@a:x", null, true);
        advance(Duration.ofSeconds(30));
        assertThat(wire.lines).hasSize(1);
    }

    @Test
    void everyNewLinkHearsStartForEveryUserTheWriterShouldBelieveSyncing() {
        users.setSyncing("@a:x", null, true);
        users.setSyncing("@b:x", "D", true);
        users.setSyncing("@b:x", "D", false); // end pending: still syncing as the writer sees it
        Wire wire = new Wire(Dialect.LATEST);
        advance(Duration.ofSeconds(1));
        users.connected(wire);
        assertThat(wire.lines).containsExactlyInAnyOrder("USER_SYNC w1 @a:x None start " + (T0 + 1000),
                "USER_SYNC w1 @b:x D start " + (T0 + 1000));
        users.disconnected(wire);
        Wire again = new Wire(Dialect.LATEST);
        users.connected(again);
        assertThat(again.lines).hasSize(2);
        advance(Duration.ofSeconds(10));
        assertThat(again.lines).last().isEqualTo("USER_SYNC w1 @b:x D end " + T0);
        assertThat(wire.lines).hasSize(2); // a closed link gets nothing more
    }

    @Test
    void startsAreRefreshedEveryIntervalSoTheWriterNeverExpiresALiveInstance() {
        Wire wire = new Wire(Dialect.LATEST);
        users.connected(wire);
        users.setSyncing("@a:x", null, true);
        advance(Duration.ofSeconds(59));
        assertThat(wire.lines).hasSize(1);
        advance(Duration.ofSeconds(1));
        assertThat(wire.lines).hasSize(2).last().isEqualTo("USER_SYNC w1 @a:x None start " + (T0 + 60_000));
    }

    @Test
    void closeSendsClearOnceOnEveryLinkAndThenNothing() {
        Wire wire = new Wire(Dialect.LATEST);
        users.connected(wire);
        users.setSyncing("@a:x", null, true);
        users.close();
        users.close();
        advance(Duration.ofMinutes(5));
        assertThat(wire.lines).containsExactly("USER_SYNC w1 @a:x None start " + T0, "CLEAR_USER_SYNC w1");
        assertThatThrownBy(() -> users.setSyncing("@b:x", null, true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badIdsAreRefusedBeforeAnythingChanges() {
        assertThatThrownBy(() -> users.setSyncing("@a x", null, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> users.setSyncing("@a:x", "None", true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyncingUsers("two words", SyncSettings.defaults(), clock::get))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(users.syncing()).isEmpty();
        assertThat(users.setSyncing("@never:x", null, false)).isFalse();
    }

    /**
     * The lines sent in the 1.66 dialect are exactly those a client sent to a real Synapse 1.66 in
     * the capture (same instance, user and times), so they have its shape: four-field USER_SYNC.
     */
    @Test
    void linesInThe166DialectAreThoseOfTheCapture() throws IOException {
        List<String> captured = clientLines("user-sync-then-clear.txt").stream()
                .filter(l -> l.startsWith("USER_SYNC") || l.startsWith("CLEAR_USER_SYNC"))
                .collect(Collectors.toList());
        assertThat(captured).hasSize(2);

        AtomicLong t = new AtomicLong(1_795_714_408_234L); // the capture's last_sync_ms
        SyncingUsers someinstance = new SyncingUsers("someinstance", SyncSettings.defaults(), t::get);
        Wire wire = new Wire(Dialect.SYNAPSE_1_66);
        someinstance.connected(wire);
        someinstance.setSyncing("@bob1:peer.test", "SOMEDEVICE", true); // the device is not sent in 1.66
        t.addAndGet(3_000);
        someinstance.tick();
        someinstance.close();

        assertThat(wire.lines).isEqualTo(captured);
        // and the other capture's USER_SYNC line has the same four-field shape
        assertThat(clientLines("user-sync-disconnect-without-clear.txt")).filteredOn(l -> l.startsWith("USER_SYNC"))
                .singleElement().asString().matches("USER_SYNC \\S+ @\\S+ start \\d+");
        assertThat(wire.lines.get(0)).matches("USER_SYNC \\S+ @\\S+ start \\d+");
    }

    static List<String> clientLines(String file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(vectors().resolve(file))) {
            String trimmed = line.stripLeading();
            int space = trimmed.indexOf(' ');
            if (space > 0 && trimmed.startsWith("> ", space + 1)) {
                out.add(trimmed.substring(space + 3));
            }
        }
        return out;
    }

    static Path vectors() {
        String dir = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        if (dir != null) {
            return Path.of(dir);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/vectors/synapse-1.66").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the vectors are missing: expected ../shared/vectors/synapse-1.66");
    }
}
