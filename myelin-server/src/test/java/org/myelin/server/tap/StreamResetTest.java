package org.myelin.server.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.TcpSettings;

/**
 * The stream-reset rule at the level of the worker process: a Synapse main keeps {@code typing} in
 * memory, so after it restarts the stream starts again at 0. The worker, whose token is past that,
 * takes the new, lower position and prints the rows that follow (it does not drop them as already
 * seen), while a persisted stream ({@code events}) carries on from its token.
 */
class StreamResetTest {
    @TempDir
    Path tmp;

    @Test
    void aWorkerFollowsAnInMemoryStreamThatRestartsAtZeroWhenItsWriterRestarts() throws Exception {
        SqliteStreamStore.open(tmp).close(); // nothing to catch up on: every row below comes live
        List<String> before = List.of("SERVER peer.test", "POSITION events master 10 10",
                "POSITION typing master 4 4", "RDATA typing master 5 [\"!r:peer.test\",[\"@a:peer.test\"]]",
                "RDATA events master 11 [\"ev11\"]");
        List<String> after = List.of("SERVER peer.test", "POSITION events master 11 11",
                "POSITION typing master 0 0", "RDATA typing master 1 [\"!r:peer.test\",[]]",
                "RDATA events master 12 [\"ev12\"]");
        List<String> printed = new CopyOnWriteArrayList<>();
        try (ScriptedServer main = new ScriptedServer(List.of(before, after), List.of(false));
                WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig("w1",
                        new HostPort("127.0.0.1", main.port()), "peer.test", tmp, OptionalLong.empty(),
                        List.of("events", "typing"),
                        TcpSettings.defaults().withReconnect(Duration.ofMillis(20), Duration.ofMillis(300), 0.2)), (stream, instance, token, rows) -> {
                            for (RawJson row : rows) {
                                printed.add(stream + " " + token + " " + row.text());
                            }
                        })) {
            await().atMost(Duration.ofSeconds(30)).until(() -> printed.size() >= 2);
            main.hangUp(); // the main restarts: its typing stream starts again at 0
            await().atMost(Duration.ofSeconds(30)).until(() -> printed.size() >= 4);
            assertThat(printed).filteredOn(p -> p.startsWith("typing ")).containsExactly(
                    "typing 5 [\"!r:peer.test\",[\"@a:peer.test\"]]", "typing 1 [\"!r:peer.test\",[]]");
            assertThat(printed).filteredOn(p -> p.startsWith("events ")).containsExactly(
                    "events 11 [\"ev11\"]", "events 12 [\"ev12\"]");
            assertThat(worker.engine().receivedTokens()).containsEntry("typing", Map.of("master", 1L))
                    .containsEntry("events", Map.of("master", 12L));
            assertThat(worker.engine().safePositions()).containsEntry("typing", 1L);
        }
    }
}
