package org.myelin.server.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.tcp.LinkListener;
import org.myelin.tcp.TcpSettings;

/** A main process and workers on loopback with fast link timings, for end-to-end tests. */
final class Cluster implements AutoCloseable {
    static final TcpSettings FAST = TcpSettings.defaults()
            .withReconnect(Duration.ofMillis(20), Duration.ofMillis(300), 0.2);

    final MainProcess main;
    final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();

    Cluster(Path data, TcpSettings settings) throws IOException {
        this.main = MainProcess.start(new MainProcess.MainConfig(data, "test.local", new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), settings));
    }

    /** A worker following {@code follow} (all when empty) and recording each row it prints. */
    Recorder worker(String name, OptionalLong from, List<String> follow) {
        return worker(name, from, follow, FAST, UnaryOperator.identity(), new Recorder(null));
    }

    Recorder worker(String name, OptionalLong from, List<String> follow, TcpSettings settings,
            UnaryOperator<LinkListener> decorate, Recorder recorder) {
        WorkerProcess.WorkerConfig config = new WorkerProcess.WorkerConfig(name,
                new HostPort("127.0.0.1", main.tcpPort()), "test.local", main.data(), from, follow, settings);
        recorder.process = WorkerProcess.start(config, recorder, decorate);
        workers.add(recorder.process);
        return recorder;
    }

    /** Waits until the worker has been told of every row and position up to the main's tokens. */
    static void awaitCaughtUp(Recorder worker, String stream, long token) {
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.process.engine().receivedTokens()
                .getOrDefault(stream, java.util.Map.of()).getOrDefault("master", -1L) >= token);
    }

    @Override
    public void close() {
        workers.forEach(WorkerProcess::close);
        main.close();
    }

    /** Records rows as the worker command prints them: "stream token row". */
    static final class Recorder implements ReplicationDataHandler {
        final List<String> rows;
        volatile String poison;
        volatile WorkerProcess process;

        Recorder(String poison) {
            this(poison, new CopyOnWriteArrayList<>());
        }

        /** Records into {@code rows}, which may outlive this worker (restarts append to it). */
        Recorder(String poison, List<String> rows) {
            this.poison = poison;
            this.rows = rows;
        }

        @Override
        public void onRows(String stream, String instance, long token, List<RawJson> batch) {
            for (RawJson row : batch) {
                if (row.text().equals(poison)) {
                    throw new IllegalStateException("cannot handle poison row " + row);
                }
            }
            for (RawJson row : batch) {
                rows.add(stream + " " + token + " " + row.text());
            }
        }

        List<String> rowsOf(String stream) {
            List<String> out = new ArrayList<>();
            for (String r : rows) {
                if (r.startsWith(stream + " ")) {
                    out.add(r);
                }
            }
            return out;
        }
    }
}
