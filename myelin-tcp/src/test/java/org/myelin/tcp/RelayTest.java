package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RemoteServerUpCommand;

/** A server relays REMOTE_SERVER_UP to every other link, never back to the sender. */
class RelayTest {
    private static final String UP = "REMOTE_SERVER_UP other.example";
    private static final String MARK = "POSITION mark master 1 1";

    @Test
    void remoteServerUpReachesEveryOtherLinkButNotItsSender() {
        RecordingListener serverSide = new RecordingListener();
        RecordingListener clientSide = new RecordingListener();
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), serverSide);
                RawPeer actor = RawPeer.connect(server.port());
                RawPeer watcher = RawPeer.connect(server.port());
                TcpClient worker = new TcpClient("127.0.0.1", server.port(), "worker", "peer.test",
                        TcpSettings.defaults(), clientSide).start()) {
            eventually().until(() -> server.links().size() == 3 && worker.link().isPresent());

            actor.send(UP + "\n");
            assertThat(watcher.readUntil(UP::equals)).last().isEqualTo(UP);
            eventually().until(() -> clientSide.received(new RemoteServerUpCommand("other.example")));
            Link actorLink = server.links().stream().filter(actor::is).findFirst().orElseThrow();
            eventually().until(() -> serverSide.received(actorLink, new RemoteServerUpCommand("other.example")));

            // Anything sent to the actor after the relay arrives; the relay itself never does.
            server.broadcast(new PositionCommand("mark", "master", 1, 1));
            List<String> actorLines = actor.readUntil(MARK::equals);
            assertThat(actorLines).last().isEqualTo(MARK);
            assertThat(actorLines).doesNotContain(UP);
            assertThat(server.metrics().remoteServerUpRelayed()).isEqualTo(1);

            // The same from a Myelin client.
            worker.link().orElseThrow().send(new RemoteServerUpCommand("third.example"));
            assertThat(actor.readUntil("REMOTE_SERVER_UP third.example"::equals)).last()
                    .isEqualTo("REMOTE_SERVER_UP third.example");
            assertThat(watcher.readUntil("REMOTE_SERVER_UP third.example"::equals)).last()
                    .isEqualTo("REMOTE_SERVER_UP third.example");
            server.broadcast(new PositionCommand("mark2", "master", 1, 1));
            eventually().until(() -> clientSide.received(new PositionCommand("mark2", "master", 1, 1)));
            assertThat(clientSide.commands).extracting(RecordingListener.Received::command)
                    .doesNotContain(new RemoteServerUpCommand("third.example"));
        }
    }
}
