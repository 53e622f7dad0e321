package org.myelin.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway {@code redis-server} for one test, on a free loopback port, without persistence
 * ({@code --save '' --appendonly no}), never the shared instance on 6379. It can be stopped, killed
 * with {@code kill -9} and restarted on the same port, with or without a password.
 *
 * <p>Without the binary the test is skipped, except under {@code CI=true}, where it fails loudly.
 */
public final class RedisServer implements AutoCloseable {
    private static final String BINARY = System.getenv().getOrDefault("MYELIN_REDIS_SERVER", "/usr/bin/redis-server");

    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts a server on a free port, without password. */
    public static RedisServer start() {
        return start(null);
    }

    /** Starts a server on a free port, requiring {@code password} when not null. */
    public static RedisServer start(String password) {
        requireBinary();
        try {
            RedisServer server = new RedisServer(freePort(), Files.createTempDirectory("myelin-redis"));
            server.launch(password);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireBinary() {
        boolean present = Files.isExecutable(Path.of(BINARY));
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException("redis-server not found at " + BINARY
                    + " (set MYELIN_REDIS_SERVER); the Redis tests must run on CI");
        }
        Assumptions.assumeTrue(present, "redis-server not installed at " + BINARY);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** {@code redis://:PASSWORD@127.0.0.1:PORT}. */
    public String uri(String password) {
        return "redis://:" + password + "@127.0.0.1:" + port;
    }

    /** Starts the process again on the same port (after {@link #stop} or {@link #kill}). */
    public synchronized void restart(String password) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " is still running");
        }
        try {
            launch(password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void launch(String password) throws IOException {
        List<String> command = new ArrayList<>(List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "no"));
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(this::answersPing);
    }

    /** Whether something answers on the port (a PING gets +PONG or a NOAUTH error). */
    private boolean answersPing() {
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server exited: " + log());
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            int first = s.getInputStream().read();
            return first == '+' || first == '-';
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the process with {@code kill -9} and waits for it to be gone. */
    public synchronized void kill() {
        process.destroyForcibly();
        waitGone();
    }

    /** Stops the process gracefully (SIGTERM) and waits for it to be gone. */
    public synchronized void stop() {
        process.destroy();
        waitGone();
    }

    private void waitGone() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server's log, for failure messages. */
    public String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
