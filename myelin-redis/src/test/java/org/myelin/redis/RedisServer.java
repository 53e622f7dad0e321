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
    /** Besides the port: TLS files, or the Unix socket; empty for plain TCP. */
    private final List<String> listenArgs;
    private final String scheme;
    private Process process;

    private RedisServer(int port, Path dir) {
        this(port, dir, List.of(), "redis");
    }

    private RedisServer(int port, Path dir, List<String> listenArgs, String scheme) {
        this.port = port;
        this.dir = dir;
        this.listenArgs = listenArgs;
        this.scheme = scheme;
    }

    /**
     * Starts a server listening on a Unix socket only ({@code --port 0 --unixsocket}); {@link #uri()} is
     * then {@code redis-socket:///path}.
     */
    public static RedisServer startOnUnixSocket() {
        requireBinary();
        try {
            Path dir = Files.createTempDirectory("myelin-redis");
            RedisServer server = new RedisServer(0, dir, List.of("--unixsocket", dir.resolve("redis.sock").toString(),
                    "--unixsocketperm", "700"), "redis-socket");
            server.launch(null);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server accepting TLS only, on a free port, with a certificate for {@code 127.0.0.1} and
     * {@code localhost} signed by itself ({@link #caCert()}: the CA a client must trust); {@link #uri()}
     * is then {@code rediss://127.0.0.1:PORT}. Needs {@code openssl}, and a redis-server built with TLS.
     */
    public static RedisServer startWithTls() {
        requireBinary();
        requireTool("/usr/bin/openssl");
        try {
            Path dir = Files.createTempDirectory("myelin-redis");
            Path cert = dir.resolve("ca.pem");
            Path key = dir.resolve("key.pem");
            run(dir, "/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key.toString(), "-out", cert.toString());
            RedisServer server = new RedisServer(freePort(), dir, List.of("--tls-cert-file", cert.toString(),
                    "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(),
                    "--tls-auth-clients", "no"), "rediss");
            server.launch(null);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PEM certificate a client of a {@link #startWithTls()} server must trust. */
    public Path caCert() {
        return dir.resolve("ca.pem");
    }

    private static void requireTool(String path) {
        boolean present = Files.isExecutable(Path.of(path));
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(path + " not found; the Redis TLS test must run on CI");
        }
        Assumptions.assumeTrue(present, path + " not installed");
    }

    private static void run(Path dir, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + Files.readString(dir.resolve("openssl.log")));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
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

    /**
     * {@code redis://127.0.0.1:PORT}; {@code rediss://127.0.0.1:PORT} with TLS,
     * {@code redis-socket:///path} on a Unix socket.
     */
    public String uri() {
        if (scheme.equals("redis-socket")) {
            return "redis-socket://" + socket();
        }
        return scheme + "://127.0.0.1:" + port;
    }

    private Path socket() {
        return dir.resolve("redis.sock");
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
        boolean tls = scheme.equals("rediss");
        List<String> command = new ArrayList<>(List.of(BINARY, "--port", tls ? "0" : Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "no"));
        if (tls) {
            command.addAll(List.of("--tls-port", Integer.toString(port)));
        }
        command.addAll(listenArgs);
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
        if (scheme.equals("redis-socket")) {
            try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                    java.net.UnixDomainSocketAddress.of(socket()))) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
        if (scheme.equals("rediss")) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000); // listening is enough: TLS is Lettuce's
                return true;
            } catch (IOException e) {
                return false;
            }
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
