package org.myelin.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.myelin.server.Main;

/**
 * The real {@code myelin} program in a child JVM (the test classpath), its standard output read
 * line by line as it comes and its standard error kept in a file.
 */
final class Program implements AutoCloseable {
    final Process process;
    /** Guarded by itself (a copy-on-write list would make reading many lines quadratic). */
    private final List<String> lines = new ArrayList<>();
    private final Path stderr;
    private final Thread reader;
    /** The most lines per second the reader takes (a slow consumer); 0 for as fast as they come. */
    private volatile int linesPerSecond;

    private Program(Process process, Path stderr, boolean readOut) {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                long start = System.nanoTime();
                for (String line; (line = in.readLine()) != null; ) {
                    int n;
                    synchronized (lines) {
                        lines.add(line);
                        n = lines.size();
                    }
                    int rate = linesPerSecond;
                    if (rate > 0) { // keep to the rate: the program's pipe fills and its writes wait
                        long due = start + n * 1_000_000_000L / rate;
                        for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                }
            } catch (IOException e) {
                // closed by the test (the reader went away, like head)
            }
        }, "program-stdout");
        reader.setDaemon(true);
        if (readOut) {
            reader.start();
        }
    }

    /**
     * Starts {@code myelin ARGS...} reading its output at most {@code linesPerSecond}, as a slow
     * consumer at the end of a pipe would: the program's pace is then the test's, not the machine's.
     */
    static Program startReadingSlowly(Path stderr, int linesPerSecond, String... args) throws IOException {
        Program p = start(List.of(), stderr, false, args);
        p.linesPerSecond = linesPerSecond;
        p.reader.start();
        return p;
    }

    /** Starts {@code myelin ARGS...}, reading its standard output. */
    static Program start(Path stderr, String... args) throws IOException {
        return start(stderr, true, args);
    }

    /** Starts {@code myelin ARGS...}; without {@code readOut} the test reads (and closes) stdout itself. */
    static Program start(Path stderr, boolean readOut, String... args) throws IOException {
        return start(List.of(), stderr, readOut, args);
    }

    /**
     * Starts {@code myelin ARGS...} with extra JVM options (say
     * {@code -Dlogback.configurationFile=logback.xml}: the program's own INFO logs rather than the
     * tests' WARN, for a test that reads what the program logged).
     */
    static Program start(List<String> jvmOptions, Path stderr, boolean readOut, String... args) throws IOException {
        return start(java.util.Map.of(), jvmOptions, stderr, readOut, args);
    }

    /** As {@link #start(List, Path, boolean, String...)}, with these variables added to its environment. */
    static Program start(java.util.Map<String, String> env, List<String> jvmOptions, Path stderr, boolean readOut,
            String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(env);
        return new Program(builder.start(), stderr, readOut);
    }

    /**
     * Sends SIGTERM and waits for the exit status. Through the process handle: {@link Process#destroy()}
     * would also close our end of its pipes, failing its output as it shuts down.
     */
    int terminate(Duration within) throws InterruptedException {
        process.toHandle().destroy();
        return waitFor(within);
    }

    int waitFor(Duration within) throws InterruptedException {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the program did not exit within " + within + "; stderr:\n" + err());
        }
        reader.join(10_000); // every line it printed has been read
        return process.exitValue();
    }

    /** The lines printed so far. */
    List<String> lines() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** How many lines were printed so far. */
    int count() {
        synchronized (lines) {
            return lines.size();
        }
    }

    String err() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return "(cannot read stderr: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
