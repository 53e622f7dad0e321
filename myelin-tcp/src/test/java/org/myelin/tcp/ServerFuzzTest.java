package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.waitUpTo;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.ReplicateCommand;

/**
 * Fuzz of the TCP server over real sockets (issue 12): 5,000 inputs from the captures (mutated,
 * overlong, invalid UTF-8, split at random byte boundaries) over 1,000 connections, 20 open at a
 * time, with a fixed seed. Meanwhile a real worker link on the same server must keep working and
 * receive every RDATA, in order; afterwards the server holds nothing for the fuzz connections.
 */
class ServerFuzzTest {
    private static final long SEED = 20261129L;
    private static final int CONNECTIONS = 1000;
    private static final int INPUTS_PER_CONNECTION = 5;
    private static final int AT_ONCE = 20;

    @Test
    void garbageFromManyPeersNeverHurtsTheServerOrAWellBehavedLink() throws Exception {
        FuzzCorpus corpus = FuzzCorpus.load();
        Random random = new Random(SEED);
        RecordingListener serverSide = new RecordingListener();
        serverSide.onCommand = (link, command) -> {
            if (command instanceof ReplicateCommand) {
                link.send(new PositionCommand("events", "master", 0, 0));
            }
        };
        RecordingListener workerSide = new RecordingListener();
        TcpSettings settings = TcpSettings.defaults().withCloseTimeout(Duration.ofSeconds(2));
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, serverSide);
                TcpClient worker = new TcpClient("127.0.0.1", server.port(), "worker", "peer.test", settings,
                        workerSide).start()) {
            waitUpTo(Duration.ofSeconds(20)).until(() -> workerSide.received(
                    new PositionCommand("events", "master", 0, 0)));
            Link workerLink = worker.link().orElseThrow();
            long token = 0;
            long inputs = 0;
            for (int batch = 0; batch < CONNECTIONS / AT_ONCE; batch++) {
                List<Socket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < AT_ONCE; i++) {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
                        sockets.add(socket);
                    }
                    for (Socket socket : sockets) {
                        for (int i = 0; i < INPUTS_PER_CONNECTION; i++) {
                            byte[] input = corpus.input(random, settings.maxLineBytes());
                            send(socket, FuzzCorpus.split(random, input));
                            inputs++;
                        }
                    }
                } finally {
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }
                // The well-behaved link is served between every batch.
                token++;
                server.broadcast(RdataCommand.of("events", "master", token, RawJson.of("[" + token + "]")));
                long expected = token;
                waitUpTo(Duration.ofSeconds(30)).until(() -> workerSide.received(
                        RdataCommand.of("events", "master", expected, RawJson.of("[" + expected + "]"))));
            }
            assertThat(inputs).isEqualTo((long) CONNECTIONS * INPUTS_PER_CONNECTION);
            List<Long> tokens = workerSide.commands.stream()
                    .filter(r -> r.command() instanceof RdataCommand)
                    .map(r -> ((RdataCommand) r.command()).token())
                    .toList();
            assertThat(tokens).hasSize((int) token).isSorted().doesNotHaveDuplicates();
            assertThat(workerLink.isOpen()).isTrue();
            assertThat(workerSide.closed).isEmpty();
            // Nothing left behind: every fuzz connection is gone, only the worker's link remains.
            waitUpTo(Duration.ofSeconds(30)).until(() -> server.links().size() == 1);
            assertThat(server.metrics().listenerFailures()).isZero();
            assertThat(server.metrics().parseFailures() + server.metrics().linesTooLongReceived()).isPositive();
        }
    }

    /** Writes the chunks one by one; a server that already closed the connection is fine. */
    private static void send(Socket socket, List<byte[]> chunks) {
        try {
            OutputStream out = socket.getOutputStream();
            for (byte[] chunk : chunks) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException closedByTheServer) {
            // it answered a bad line with ERROR and closed: the expected end of most inputs
        }
    }
}
