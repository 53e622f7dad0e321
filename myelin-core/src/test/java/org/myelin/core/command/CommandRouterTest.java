package org.myelin.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.myelin.core.RecordingConnection;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.clientip.UserIpRecorder;
import org.myelin.core.presence.PresenceRow;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.protocol.ClearUserSyncCommand;
import org.myelin.protocol.FederationAckCommand;
import org.myelin.protocol.LockReleasedCommand;
import org.myelin.protocol.NewActiveTaskCommand;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.UserIpCommand;
import org.myelin.protocol.UserSyncCommand;

class CommandRouterTest {
    final RecordingConnection link = new RecordingConnection("link");
    final AtomicLong clock = new AtomicLong(5_000);

    @Test
    void writerCommandsReachTheirTablesByInstanceNotByLink() throws Exception {
        List<PresenceRow> rows = new ArrayList<>();
        List<ClientIp> ips = new ArrayList<>();
        PresenceWriter presence = new PresenceWriter(PresenceSettings.defaults(), clock::get, rows::add);
        FederationAcks acks = new FederationAcks();
        CommandRouter router = new CommandRouter(presence,
                new UserIpRecorder(ips::add, clock::get, Duration.ofMinutes(2)), acks);

        router.onCommand(link, new UserSyncCommand("w1", "@a:x", null, true, 1));
        router.onCommand(new RecordingConnection("other"), new UserSyncCommand("w2", "@b:x", "D", true, 1));
        router.onCommand(link, new ClearUserSyncCommand("w2"));
        router.onCommand(link, new UserIpCommand("@a:x", "tok", "127.0.0.1", "ua", null, 7));
        router.onCommand(link, new FederationAckCommand("fed1", 12));
        router.onCommand(link, new FederationAckCommand("fed1", 9)); // late, older: ignored

        assertThat(presence.instances()).containsOnlyKeys("w1");
        assertThat(rows).hasSize(2);
        assertThat(ips).singleElement().extracting(ClientIp::ip).isEqualTo("127.0.0.1");
        assertThat(acks.positions()).containsEntry("fed1", 12L);
        assertThat(router.ignored()).isZero();
    }

    @Test
    void aProcessWithoutTablesIgnoresTheirCommandsAndCallsEveryCallback() throws Exception {
        CommandRouter router = CommandRouter.callbacksOnly();
        List<String> seen = new ArrayList<>();
        router.onRemoteServerUp(s -> seen.add("up " + s)).onRemoteServerUp(s -> seen.add("up2 " + s))
                .onLockReleased(l -> seen.add("lock " + l.lockName()))
                .onNewActiveTask(t -> seen.add("task " + t));

        router.onCommand(link, new UserSyncCommand("w1", "@a:x", null, true, 1));
        router.onCommand(link, new UserIpCommand("@a:x", "tok", "127.0.0.1", "ua", null, 7));
        router.onCommand(link, new RemoteServerUpCommand("other.example"));
        router.onCommand(link, new LockReleasedCommand("w1", "lock", "key"));
        router.onCommand(link, new NewActiveTaskCommand("task-1"));

        assertThat(router.ignored()).isEqualTo(2);
        assertThat(seen).containsExactly("up other.example", "up2 other.example", "lock lock", "task task-1");
    }
}
