package org.myelin.server.torture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker under test: {@code myelin worker} as a child JVM following {@link TortureRows#STREAM}
 * through its own {@link LinkProxy}, restarted after the last complete token it printed. Each run
 * of the process (an incarnation) prints to its own file, so the checker can tell what a killed
 * process printed from what its successor printed.
 */
final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    /**
     * One run of the worker process.
     *
     * @param number 1 for the first run, then 2, 3, ...
     * @param from the token it was started after
     * @param out its standard output
     */
    record Incarnation(int number, long from, Path out) {
    }

    private final String name;
    private final Path dir;
    private final Path mainData;
    private final LinkProxy proxy;
    private final List<String> jvmOptions;
    private final LongUnaryOperator rowsAtToken;
    private final List<Incarnation> incarnations = new ArrayList<>();
    private Process process;
    private OutputTail tail;

    /**
     * @param rowsAtToken how many rows the store holds at a token (to tell a token printed in full
     *     from one cut short by SIGKILL)
     */
    WorkerNode(String name, Path dir, Path mainData, LinkProxy proxy, List<String> jvmOptions,
            LongUnaryOperator rowsAtToken) {
        this.name = name;
        this.dir = dir;
        this.mainData = mainData;
        this.proxy = proxy;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.rowsAtToken = rowsAtToken;
    }

    String name() {
        return name;
    }

    LinkProxy proxy() {
        return proxy;
    }

    synchronized List<Incarnation> incarnations() {
        return List.copyOf(incarnations);
    }

    synchronized Process process() {
        return process;
    }

    /** Starts the first incarnation after {@code from}. */
    synchronized void start(long from) {
        Incarnation next = new Incarnation(incarnations.size() + 1, from,
                dir.resolve(name + "." + (incarnations.size() + 1) + ".out"));
        List<String> args = new ArrayList<>(List.of("worker", "--name", name, "--connect", "127.0.0.1:" + proxy.port(),
                "--server-name", MainNode.SERVER_NAME, "--data", mainData.toString(), "--follow", TortureRows.STREAM));
        args.addAll(resumeArgs(from));
        try {
            process = ChildJvm.start(jvmOptions, args, next.out(), dir.resolve(name + ".log"));
        } catch (IOException e) {
            throw new TortureFailure("cannot start worker " + name + ": " + e.getMessage(), e);
        }
        incarnations.add(next);
        tail = new OutputTail(next.out());
        log.info("worker {} run {} started (pid {}) after token {}", name, next.number(), process.pid(), from);
    }

    /**
     * How a worker is told where to resume. The one place to change when workers take per-stream
     * {@code --from STREAM=TOKEN} pairs or a {@code --state FILE}.
     */
    private static List<String> resumeArgs(long from) {
        return List.of("--from", Long.toString(from));
    }

    /** Stops the process (SIGKILL when {@code forcibly}, else SIGTERM) and returns where it should resume. */
    synchronized long stop(boolean forcibly) {
        ChildJvm.stop(process, forcibly, 30);
        return resumePoint();
    }

    /** Stops it and starts the next incarnation after the last complete token printed. */
    synchronized void restart(boolean forcibly, long downMillis) {
        long from = stop(forcibly);
        MainNode.pause(downMillis);
        start(from);
    }

    /** SIGSTOP / SIGCONT. */
    synchronized void signal(String signal) {
        ChildJvm.signal(process, signal);
    }

    /**
     * The last token of the current incarnation whose rows were all printed (the store knows how
     * many there are), else where it started.
     */
    private long resumePoint() {
        Incarnation current = incarnations.get(incarnations.size() - 1);
        tail.drain(row -> { });
        long last = tail.lastToken();
        if (last < 0) {
            return current.from();
        }
        if (tail.rowsAtLastToken() >= rowsAtToken.applyAsLong(last)) {
            return last;
        }
        log.info("worker {} was stopped while printing token {} ({} rows printed): resuming before it", name, last,
                tail.rowsAtLastToken());
        return tail.tokenBefore() >= 0 ? tail.tokenBefore() : current.from();
    }

    /** The last token printed so far (by any incarnation), or the start point when none was. */
    synchronized long lastPrinted() {
        tail.poll(row -> { });
        long last = tail.lastToken();
        return last >= 0 ? last : incarnations.get(incarnations.size() - 1).from();
    }

    /** Whether the current process is running (not exited; a stopped one counts as running). */
    synchronized boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public synchronized void close() {
        ChildJvm.stop(process, false, 30);
        proxy.close();
    }
}
