package org.myelin.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker under test: {@code myelin worker} as a child JVM following {@link TortureRows#STREAMS}
 * (through its own {@link LinkProxy}, or on the Redis bus) with {@code --state FILE}, so that every
 * restart resumes where the worker itself says it stopped. Each run of the process (an incarnation)
 * prints to its own file, and the harness reads the state file between two runs, so the checker
 * can tell what a killed process printed past its last saved state from what its successor printed.
 */
final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    /** How a run of the process ended. */
    enum Stop {
        /** Still running (the last run, until the end of the load). */
        RUNNING,
        /** SIGTERM, and it exited with status 0 in time: its state must cover exactly what it printed. */
        TERMINATED,
        /** SIGKILL: it may have printed rows past its last saved state, which its successor prints again. */
        KILLED,
        /** SIGTERM, but it did not exit with status 0 in time (then SIGKILL): a violation of its own. */
        TERM_FAILED
    }

    /**
     * One run of the worker process.
     *
     * @param number 1 for the first run, then 2, 3, ...
     * @param from per stream, the token it resumed after (its state file when it started; 0 without one)
     * @param out its standard output
     * @param stop how it ended
     * @param exitStatus its exit status, or -1 while running
     */
    record Incarnation(int number, Map<String, Long> from, Path out, Stop stop, int exitStatus) {
        Incarnation {
            from = Map.copyOf(from);
        }

        /** Where it resumed {@code stream}. */
        long from(String stream) {
            return from.getOrDefault(stream, 0L);
        }
    }

    private final String name;
    private final Path dir;
    private final Path stateFile;
    private final List<String> transportArgs;
    private final LinkProxy proxy;
    private final List<String> jvmOptions;
    private final List<Incarnation> incarnations = new ArrayList<>();
    private final boolean listenHttp;
    private Process process;
    private OutputTail tail;
    private int httpPort = -1;

    /**
     * @param transportArgs how it reaches the main and its store ({@code --connect ... --data ...} or
     *     {@code --redis ... --data ...})
     * @param proxy its TCP proxy, or null on Redis
     * @param listenHttp give each run an HTTP port (its status tells whether it is on the Redis bus)
     */
    WorkerNode(String name, Path dir, List<String> transportArgs, LinkProxy proxy, List<String> jvmOptions,
            boolean listenHttp) {
        this.listenHttp = listenHttp;
        this.name = name;
        this.dir = dir;
        this.stateFile = dir.resolve(name + ".state");
        this.transportArgs = List.copyOf(transportArgs);
        this.proxy = proxy;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    String name() {
        return name;
    }

    /** Its TCP proxy, or null when it is on Redis. */
    LinkProxy proxy() {
        return proxy;
    }

    synchronized List<Incarnation> incarnations() {
        return List.copyOf(incarnations);
    }

    /** The current run's HTTP port, or -1 when it has none. */
    synchronized int httpPort() {
        return httpPort;
    }

    synchronized Process process() {
        return process;
    }

    /**
     * Starts the next incarnation: every stream from 0 the first time, afterwards from the state
     * file (which wins over {@code --from 0} in the worker; a stream missing from it starts at 0).
     */
    synchronized void start() {
        Map<String, Long> from = readState();
        Incarnation next = new Incarnation(incarnations.size() + 1, from,
                dir.resolve(name + "." + (incarnations.size() + 1) + ".out"), Stop.RUNNING, -1);
        List<String> args = new ArrayList<>(List.of("worker", "--name", name, "--server-name", MainNode.SERVER_NAME));
        args.addAll(transportArgs);
        for (String stream : TortureRows.STREAMS) {
            args.addAll(List.of("--follow", stream));
        }
        args.addAll(List.of("--from", "0", "--state", stateFile.toString()));
        try {
            if (listenHttp) {
                httpPort = MainNode.freePort(); // a new one each run: the killed run's may linger
                args.addAll(List.of("--listen-http", "127.0.0.1:" + httpPort));
            }
            process = ChildJvm.start(jvmOptions, args, next.out(), dir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new TortureFailure("cannot start worker " + name + ": " + e.getMessage(), e);
        }
        incarnations.add(next);
        tail = new OutputTail(next.out());
        log.info("worker {} run {} started (pid {}) after {}", name, next.number(), process.pid(), from);
    }

    /** The positions in the state file, per stream (of the main); empty before the first save. */
    private Map<String, Long> readState() {
        String text;
        try {
            text = Files.readString(stateFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new TortureFailure("cannot read the state file " + stateFile + ": " + e.getMessage(), e);
        }
        Map<String, Long> from = new TreeMap<>();
        try {
            JsonNode positions = Json.parse(text).path("positions");
            for (String stream : TortureRows.STREAMS) {
                JsonNode token = positions.path(stream).get(TortureRows.INSTANCE);
                if (token != null) {
                    from.put(stream, token.asLong());
                }
            }
        } catch (RuntimeException e) {
            // the worker writes it atomically: a torn or foreign file is a bug it would refuse too
            throw new TortureFailure("worker " + name + " left an unreadable state file " + stateFile + ": " + e, e);
        }
        return from;
    }

    /** Stops the process: SIGKILL when {@code forcibly}, else SIGTERM (SIGKILL after 30 s). */
    synchronized void stop(boolean forcibly) {
        boolean terminated = ChildJvm.stop(process, forcibly, 30);
        int status = process.isAlive() ? -1 : process.exitValue();
        tail.drain(row -> { });
        // 143 is the JVM's own exit on SIGTERM: a worker still booting, before it installed its
        // handler, has printed and saved nothing, so that stop is clean too
        boolean cleanBoot = status == 143 && tail.rows() == 0;
        if (!forcibly && terminated && cleanBoot) {
            log.info("worker {} run {} got SIGTERM while starting, before printing anything (status 143)", name,
                    incarnations.size());
        }
        Stop how = forcibly ? Stop.KILLED
                : terminated && (status == 0 || cleanBoot) ? Stop.TERMINATED : Stop.TERM_FAILED;
        if (how == Stop.TERM_FAILED) {
            log.error("worker {} run {} did not exit cleanly on SIGTERM (status {})", name, incarnations.size(), status);
        }
        Incarnation current = incarnations.get(incarnations.size() - 1);
        incarnations.set(incarnations.size() - 1, new Incarnation(current.number(), current.from(), current.out(), how,
                status));
    }

    /** Stops it and starts the next incarnation from its state file. */
    synchronized void restart(boolean forcibly, long downMillis) {
        stop(forcibly);
        MainNode.pause(downMillis);
        start();
    }

    /** SIGSTOP / SIGCONT. */
    synchronized void signal(String signal) {
        ChildJvm.signal(process, signal);
    }

    /**
     * The last token of {@code stream} printed so far: by the current incarnation, or covered by
     * the state it resumed from.
     */
    synchronized long lastPrinted(String stream) {
        tail.poll(row -> { });
        return Math.max(tail.lastToken(stream), incarnations.get(incarnations.size() - 1).from(stream));
    }

    /** Whether the current process is running (not exited; a stopped one counts as running). */
    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        ChildJvm.stop(process, false, 30);
        if (proxy != null) {
            proxy.close();
        }
    }
}
