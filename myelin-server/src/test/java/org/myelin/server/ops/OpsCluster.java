package org.myelin.server.ops;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.tcp.TcpSettings;

/**
 * A real main process and one worker ({@code w1}) serving HTTP on loopback, as an operator runs them,
 * and a way to stop the worker's handler (its rows then wait: it lags) and let it go again.
 */
final class OpsCluster implements AutoCloseable {
    static final String SERVER = "ops.test";

    final MainProcess main;
    final WorkerProcess worker;
    final int workerHttp;
    final AtomicLong rowsHandled = new AtomicLong();
    /** Permits the handler takes, one per call; released in bulk while not paused. */
    private final Semaphore gate = new Semaphore(Integer.MAX_VALUE / 2);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OpsCluster(Path data) throws IOException {
        this.main = MainProcess.start(new MainProcess.MainConfig(data, SERVER, new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), TcpSettings.defaults()));
        ReplicationDataHandler handler = new ReplicationDataHandler() {
            @Override
            public void onRows(String stream, String instance, long token, List<RawJson> rows)
                    throws InterruptedException {
                gate.acquire();
                gate.release();
                rowsHandled.addAndGet(rows.size());
            }
        };
        WorkerProcess.WorkerConfig config = new WorkerProcess.WorkerConfig("w1",
                new HostPort("127.0.0.1", main.tcpPort()), SERVER, main.data(), OptionalLong.of(0), List.of(),
                TcpSettings.defaults());
        this.worker = WorkerProcess.start(config, handler);
        this.workerHttp = worker.listenHttp("127.0.0.1", 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> main.tcp().links().size() == 1
                && worker.engine().receivedTokens().containsKey("events"));
    }

    /** Appends {@code n} rows to {@code events}, each its own token. */
    void write(int n) {
        List<RawJson> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RawJson.of("[\"ev\",[\"$" + System.nanoTime() + "\",\"!r:x\",\"m.room.message\",\"\",null,null,"
                    + "null,0,0]]"));
        }
        main.append("events", rows, false);
    }

    /** The worker's handler stops at its next call (and holds whatever comes after). */
    void pauseWorker() throws InterruptedException {
        gate.acquire(Integer.MAX_VALUE / 2);
    }

    void resumeWorker() {
        gate.release(Integer.MAX_VALUE / 2);
    }

    String mainUrl() {
        return "http://127.0.0.1:" + main.httpPort();
    }

    String workerUrl() {
        return "http://127.0.0.1:" + workerHttp;
    }

    String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return response.body();
    }

    /** The samples of a Prometheus text scrape: "name{labels}" to value. */
    static Map<String, Double> samples(String scrape) {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    @Override
    public void close() {
        resumeWorker();
        worker.close();
        main.close();
    }
}
