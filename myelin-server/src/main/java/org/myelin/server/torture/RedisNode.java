package org.myelin.server.torture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis server of a {@code torture --redis} run: {@code redis-server} started by the harness on
 * a free loopback port, without persistence, killed with {@code kill -9} and restarted on the same
 * port; and a plain client that cuts other clients' connections ({@code CLIENT KILL}). Never the
 * shared instance on 6379.
 */
final class RedisNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisNode.class);
    /** The binary, overridable for machines that keep it elsewhere. */
    static final String BINARY = System.getenv().getOrDefault("MYELIN_REDIS_SERVER", "/usr/bin/redis-server");

    private final int port;
    private final Path dir;
    private final Path logFile;
    private Process process;

    RedisNode(Path dir) throws IOException {
        this.port = MainNode.freePort();
        this.dir = dir;
        this.logFile = dir.resolve("redis.log");
    }

    /** {@code redis://127.0.0.1:PORT}. */
    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again, on the same port) and waits until it answers PING. */
    synchronized void start() {
        List<String> command = List.of(BINARY, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            } catch (IOException e) {
                throw new TortureFailure("cannot start " + BINARY + ": " + e.getMessage(), e);
            }
            while (process.isAlive() && System.nanoTime() < deadline) {
                if (answersPing()) {
                    log.info("redis-server up (pid {}) on port {}", process.pid(), port);
                    return;
                }
                MainNode.pause(20);
            }
            if (process.isAlive()) {
                ChildJvm.stop(process, true, 0);
                throw new TortureFailure("redis-server did not answer within 60 s; see " + logFile);
            }
            // it exited: the port of the killed one may not be free yet
            if (attempt >= 10 || System.nanoTime() > deadline) {
                throw new TortureFailure("redis-server keeps exiting at start; see " + logFile);
            }
            MainNode.pause(300);
        }
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    /** {@code kill -9}, waiting until it is gone. */
    synchronized void kill() {
        ChildJvm.stop(process, true, 0);
    }

    /**
     * Cuts every client's connection but this one's: subscribers (the workers' and the main's
     * channel subscriptions) and normal ones (their publishing connections).
     *
     * @return how many connections were cut
     */
    int cutClients() {
        return command("CLIENT KILL TYPE pubsub") + command("CLIENT KILL TYPE normal");
    }

    /** Sends one inline command; returns the integer it answered. */
    private int command(String line) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readLine(s.getInputStream());
            if (!answer.startsWith(":")) {
                throw new TortureFailure("redis-server answered " + line + " with " + answer);
            }
            return Integer.parseInt(answer.substring(1));
        } catch (IOException e) {
            throw new TortureFailure("cannot send " + line + " to redis-server: " + e.getMessage(), e);
        }
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return readLine(s.getInputStream()).equals("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() > 1000) {
                throw new IOException("answer line too long");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public synchronized void close() {
        ChildJvm.stop(process, false, 10);
    }
}
