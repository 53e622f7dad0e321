package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.LockReleasedCommand;
import org.myelin.protocol.NameCommand;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.ReplicateCommand;
import org.myelin.protocol.Side;
import org.myelin.protocol.UserSyncCommand;

/** Who says what first on a new connection, on both ends (PROTOCOL.md section 4). */
class HandshakeTest {
    private static final TcpSettings FAST = TcpSettings.defaults()
            .withReconnect(Duration.ofMillis(20), Duration.ofMillis(100), 0.0);

    @Test
    void serverGreetsWithServerThenPingAndANetcatClientCanTalkToIt() {
        RecordingListener listener = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            assertThat(server.port()).isPositive();
            assertThat(peer.readLine()).isEqualTo("SERVER peer.test");
            assertThat(peer.readLine()).matches("PING \\d{13}");
            peer.send("NAME netcat\nREPLICATE\n");
            eventually().until(() -> listener.received(ReplicateCommand.INSTANCE));
            Link link = listener.commands.get(0).link();
            assertThat(link.name()).isEqualTo("netcat");
            assertThat(link.side()).isEqualTo(Side.SERVER);
            assertThat(listener.opened).containsExactly(link);
            assertThat(server.links()).containsExactly(link);
            assertThat(server.metrics().openLinks()).isEqualTo(1);
        }
    }

    @Test
    void clientAndServerShakeHands() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        serverSide.onCommand = (link, command) -> {
            if (command instanceof ReplicateCommand) {
                link.send(new PositionCommand("events", "master", 5, 7));
            }
        };
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker1", "peer.test", FAST, clientSide)
                        .start()) {
            eventually().until(() -> clientSide.received(new PositionCommand("events", "master", 5, 7)));
            Link serverLink = serverSide.opened.get(0);
            assertThat(serverLink.name()).isEqualTo("worker1");
            assertThat(serverSide.commands).extracting(RecordingListener.Received::command)
                    .containsExactly(ReplicateCommand.INSTANCE);
            Link clientLink = client.link().orElseThrow();
            assertThat(clientLink.name()).isEqualTo("peer.test");
            assertThat(clientLink.side()).isEqualTo(Side.CLIENT);
            assertThat(clientSide.opened).containsExactly(clientLink);

            // and the other way round
            clientLink.send(new UserSyncCommand("worker1", "@a:peer.test", "DEV", true, 1234));
            eventually().until(() -> serverSide.received(new UserSyncCommand("worker1", "@a:peer.test", "DEV", true, 1234)));
        }
    }

    @Test
    void clientSaysNamePingReplicateAndOpensOnlyOnTheRightServerName() throws IOException {
        RecordingListener clientSide = new RecordingListener();
        try (ServerSocket fake = fakeServer();
                TcpClient client = new TcpClient("127.0.0.1", fake.getLocalPort(), "worker1", "peer.test", FAST,
                        clientSide).start();
                RawPeer server = RawPeer.wrap(fake.accept())) {
            assertThat(server.readLine()).isEqualTo("NAME worker1");
            assertThat(server.readLine()).matches("PING \\d{13}");
            assertThat(server.readLine()).isEqualTo("REPLICATE");
            assertThat(clientSide.opened).isEmpty();

            server.send("SERVER peer.test\nPING 1\nPOSITION events master 1 2\n");
            eventually().until(() -> clientSide.received(new PositionCommand("events", "master", 1, 2)));
            assertThat(clientSide.opened).hasSize(1);
            assertThat(client.link()).isPresent();

            // A command a server may not send ends the link.
            server.send("NAME impostor\n");
            assertThat(server.readUntilClosed()).containsSubsequence("ERROR invalid command: NAME", RawPeer.EOF);
            eventually().until(() -> clientSide.closed.size() == 1);
            assertThat(clientSide.closed.get(0).reason()).contains("invalid command: NAME");
        }
    }

    @Test
    void wrongServerNameIsRefusedAndRetriedSlowly() throws IOException {
        RecordingListener clientSide = new RecordingListener();
        try (ServerSocket fake = fakeServer();
                TcpClient client = new TcpClient("127.0.0.1", fake.getLocalPort(), "worker1", "peer.test", FAST,
                        clientSide).start()) {
            try (RawPeer server = RawPeer.wrap(fake.accept())) {
                server.send("SERVER evil.test\nPING 1\n");
                List<String> lines = server.readUntilClosed();
                assertThat(lines).containsSubsequence("NAME worker1", "REPLICATE", "ERROR Wrong remote", RawPeer.EOF);
            }
            // A configuration error: retried forever, but not at the backoff meant for glitches.
            eventually().until(() -> !client.reconnectDelays().isEmpty());
            assertThat(client.reconnectDelays()).containsExactly(TcpClient.WRONG_SERVER_DELAY);
            assertThat(client.lastFailure()).isPresent();
            // Never opened, so the engine heard nothing at all.
            assertThat(clientSide.opened).isEmpty();
            assertThat(clientSide.closed).isEmpty();
        }
    }

    @Test
    void commandsTheDialectDoesNotKnowAreSkipped() {
        RecordingListener listener = new RecordingListener();
        TcpSettings old = TcpSettings.defaults().withDialect(Dialect.SYNAPSE_1_66);
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", old, listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            peer.readLine();
            peer.send("REPLICATE\n");
            eventually().until(() -> !listener.commands.isEmpty());
            Link link = listener.commands.get(0).link();
            link.send(new LockReleasedCommand("master", "lock", "key"));
            server.broadcast(new RemoteServerUpCommand("other.example"));
            link.send(new UserSyncCommand("w", "@a:peer.test", "DEV", false, 5));
            assertThat(peer.readUntil(line -> line.startsWith("USER_SYNC")))
                    .doesNotContain("LOCK_RELEASED [\"master\",\"lock\",\"key\"]")
                    .containsSubsequence("REMOTE_SERVER_UP other.example", "USER_SYNC w @a:peer.test end 5");
            assertThat(server.metrics().unsupportedSkipped()).isEqualTo(1);
            assertThat(CommandCodec.encode(new NameCommand("x"))).isEqualTo("NAME x");
        }
    }

    private static ServerSocket fakeServer() throws IOException {
        ServerSocket socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(10_000);
        return socket;
    }
}
