package org.myelin.bench.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's handle on the {@link ReaderMain} child JVM: the same {@code java} and class path as
 * this process, a small heap, its standard input for commands and its standard output for answers.
 */
final class ReaderProcess implements AutoCloseable {
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    /** RDATA the slowest connection received since the last {@link #expect}. */
    private volatile long progress;

    private ReaderProcess(Process process) {
        this.process = process;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("progress ")) {
                        progress = Long.parseLong(line.substring(9));
                        continue;
                    }
                    answers.add(line);
                }
            } catch (IOException e) {
                // the child is gone; waiters time out with a message
            }
            answers.add("exited");
        }, "fanout-reader-answers");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts the child JVM (its errors go to this process's standard error). */
    static ReaderProcess start() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java, "-Xms256m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), ReaderMain.class.getName()));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new ReaderProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the reader process", e);
        }
    }

    /** Opens {@code n} connections and waits until each got its first POSITION. */
    void connect(int port, int n, Duration timeout) {
        commands.println("connect 127.0.0.1 " + port + " " + n);
        String answer = await("connected", timeout);
        if (!answer.equals("connected " + n)) {
            throw new FanoutFailure("reader process: " + answer);
        }
    }

    /** Tells the child how many RDATA to wait for (over all connections) from now on. */
    void expect(long total) {
        progress = 0;
        commands.println("expect " + total);
        // acknowledged: rows arriving before the child reset its counters would be lost to the count
        await("expecting", Duration.ofSeconds(30));
    }

    /** Waits (parking briefly) until the slowest connection has received {@code rows} RDATA. */
    void awaitProgress(long rows, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (progress < rows) {
            if (System.nanoTime() - deadline > 0) {
                throw new FanoutFailure("the slowest reader got " + progress + " rows, not " + rows + ", within "
                        + timeout.toSeconds() + " s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000);
        }
    }

    /** Waits for the expected RDATA; returns the child's nanoTime when the last arrived. */
    long awaitDone(Duration timeout) {
        String[] done = await("done", timeout).split(" ");
        long errors = Long.parseLong(done[2]);
        if (errors > 0) {
            throw new FanoutFailure(errors + " RDATA arrived out of token order");
        }
        return Long.parseLong(done[1]);
    }

    /** Starts recording latencies of rows meant to be written from {@code start} on. */
    void latency(long start, long intervalNanos) {
        commands.println("latency " + start + " " + intervalNanos);
        await("recording", Duration.ofSeconds(30));
    }

    /** The first-second and the warm histograms' figures. */
    List<Percentiles> report(Duration timeout) {
        commands.println("report");
        return List.of(Percentiles.parse(await("hist", timeout)), Percentiles.parse(await("hist", timeout)));
    }

    /** Closes every connection of the child. */
    void closeConnections(Duration timeout) {
        commands.println("close");
        await("closed", timeout);
    }

    /** The child's process id. */
    long pid() {
        return process.pid();
    }

    private String await(String prefix, Duration timeout) {
        try {
            String line = answers.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new FanoutFailure("reader process: no '" + prefix + "' within " + timeout.toSeconds() + " s");
            }
            if (!line.startsWith(prefix)) {
                throw new FanoutFailure("reader process answered '" + line + "' instead of '" + prefix + "'");
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FanoutFailure("interrupted");
        }
    }

    @Override
    public void close() {
        commands.println("quit");
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** One histogram's figures, in nanoseconds. */
    record Percentiles(String name, long count, long p50, long p99, long p999, long max) {
        static Percentiles parse(String line) {
            String[] w = line.split(" ");
            return new Percentiles(w[1], Long.parseLong(w[2]), Long.parseLong(w[3]), Long.parseLong(w[4]),
                    Long.parseLong(w[5]), Long.parseLong(w[6]));
        }
    }
}
