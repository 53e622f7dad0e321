package org.myelin.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer under test: {@code myelin main} as a child JVM on a data directory and two loopback
 * ports that stay the same across its restarts.
 */
final class MainNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MainNode.class);
    static final String SERVER_NAME = "torture.local";

    private final Path data;
    private final Path logFile;
    private final List<String> jvmOptions;
    private final int tcpPort;
    private final int httpPort;
    private final HttpClient http;
    private final Duration startTimeout;
    private final String redisUri;
    private volatile Process process;
    private int starts;

    /** @param redisUri the Redis server to publish on as well ({@code --redis}), or null */
    MainNode(Path dir, List<String> jvmOptions, HttpClient http, Duration startTimeout, String redisUri)
            throws IOException {
        this.redisUri = redisUri;
        this.data = dir.resolve("main-data");
        this.logFile = dir.resolve("main.log");
        this.jvmOptions = List.copyOf(jvmOptions);
        this.http = http;
        this.startTimeout = startTimeout;
        this.tcpPort = freePort();
        this.httpPort = freePort();
    }

    /** A port the system just gave out (closed again; another process could take it in between). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Path data() {
        return data;
    }

    int tcpPort() {
        return tcpPort;
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** Starts the process and waits until its HTTP API answers. */
    synchronized void start() {
        List<String> args = new java.util.ArrayList<>(List.of("main", "--data", data.toString(), "--server-name",
                SERVER_NAME, "--listen-tcp", "127.0.0.1:" + tcpPort, "--listen-http", "127.0.0.1:" + httpPort));
        if (redisUri != null) {
            args.addAll(List.of("--redis", redisUri));
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        for (int attempt = 1; ; attempt++) {
            starts++;
            try {
                process = ChildJvm.start(jvmOptions, args, logFile.resolveSibling("main.out"), logFile);
            } catch (IOException e) {
                throw new TortureFailure("cannot start the main process: " + e.getMessage(), e);
            }
            while (process.isAlive() && System.nanoTime() < deadline) {
                if (status() != null) {
                    log.info("main up (pid {}, start {}), replication on {}, HTTP on {}", process.pid(), starts, tcpPort,
                            httpPort);
                    return;
                }
                pause(100);
            }
            if (process.isAlive()) {
                ChildJvm.stop(process, true, 0);
                throw new TortureFailure("the main process did not answer within " + startTimeout + "; see " + logFile);
            }
            // it died: most likely a port of the killed process was not free yet; try again
            log.warn("main exited with status {} while starting (attempt {}); see {}", process.exitValue(), attempt,
                    logFile);
            if (attempt >= 10 || System.nanoTime() > deadline) {
                throw new TortureFailure("the main process keeps exiting at start; see " + logFile);
            }
            pause(500);
        }
    }

    /** SIGKILL, waiting until the process is gone. */
    synchronized void kill() {
        ChildJvm.stop(process, true, 0);
    }

    /** SIGTERM (SIGKILL after 30 s). */
    synchronized void stop() {
        ChildJvm.stop(process, false, 30);
    }

    /** The status document, or null when the main does not answer. */
    JsonNode status() {
        String body = get("/_myelin/v1/status");
        return body == null ? null : Json.parse(body);
    }

    /** The main's current token of {@code stream}, or empty when it does not answer. */
    OptionalLong currentToken(String stream) {
        JsonNode status = status();
        if (status == null) {
            return OptionalLong.empty();
        }
        JsonNode token = status.path("streams").get(stream);
        return token == null ? OptionalLong.of(0) : OptionalLong.of(token.asLong());
    }

    /** The heap in use as its {@code /metrics} reports it, or -1 when it does not answer. */
    long heapUsed() {
        String body = get("/metrics");
        if (body == null) {
            return -1;
        }
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"}")) {
                try {
                    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(base().resolve(path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TortureFailure("interrupted");
        }
    }

    @Override
    public void close() {
        stop();
    }
}
