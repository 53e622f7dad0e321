package org.myelin.server.torture;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** {@code myelin torture}: replication under injected faults, checked row by row against the store. */
@CommandLine.Command(
        name = "torture",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prove that nothing is lost, duplicated or reordered under faults.",
            "",
            "Starts, as separate JVMs on loopback, a main process (on a temporary data directory, "
                + "-Xmx of --main-heap) and N workers following the 'events' and 'receipts' streams with "
                + "--state FILE, each through a TCP proxy inside this process (or on a Redis bus, --redis). Writes rows at --rate rows/s through the main's HTTP API "
                + "(some as same_token batches), each with a unique sequence number, retrying writes that "
                + "were not acknowledged. Meanwhile a fault plan derived from --seed, in rounds that contain "
                + "every fault once: reset a worker's link at the proxy; stop the proxy reading from the main; "
                + "SIGSTOP a worker for seconds; SIGKILL the main and restart it on the same data and ports; "
                + "restart a worker after SIGTERM or SIGKILL (it resumes from its own state file); flood the main "
                + "with --flood REPLICATE commands from a client that never reads.",
            "",
            "Then waits for every worker to print the store's last token and checks each worker's "
                + "output against the store (read-only), stream by stream: from its first start point, every "
                + "row once, in order, across restarts; only rows a SIGKILLed run printed past its last saved "
                + "state may be printed again by the next run; and every acknowledged write stored. Prints faults by kind, rows written and "
                + "checked, violations with examples, and the main's largest heap in use (from /metrics).",
            "",
            "Exit status: 0 no violation, 1 violations or a harness failure (the run directory, with "
                + "logs and outputs, is kept and printed), 2 bad options. Linux/macOS only (uses kill).",
            ""
        })
public final class TortureCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--minutes", defaultValue = "2", paramLabel = "M",
            description = "Minutes of load and faults. Default: ${DEFAULT-VALUE}.")
    double minutes;

    @CommandLine.Option(names = "--seconds", paramLabel = "S",
            description = "Seconds of load and faults instead of --minutes (for short runs).")
    Long seconds;

    @CommandLine.Option(names = "--seed", defaultValue = "1", paramLabel = "S",
            description = "Seed of the fault plan. Default: ${DEFAULT-VALUE}.")
    long seed;

    @CommandLine.Option(names = "--workers", defaultValue = "3", paramLabel = "N",
            description = "Worker processes. Default: ${DEFAULT-VALUE}.")
    int workers;

    @CommandLine.Option(names = "--rate", defaultValue = "200", paramLabel = "ROWS_PER_SEC",
            description = "Rows written per second. Default: ${DEFAULT-VALUE}.")
    int rate;

    @CommandLine.Option(names = "--flood", defaultValue = "2000", paramLabel = "N",
            description = "REPLICATE commands per flood. Default: ${DEFAULT-VALUE}.")
    int flood;

    @CommandLine.Option(names = "--main-heap", defaultValue = "256m", paramLabel = "SIZE",
            description = "-Xmx of the main process. Default: ${DEFAULT-VALUE}.")
    String mainHeap;

    @CommandLine.Option(names = "--converge-timeout", defaultValue = "180", paramLabel = "SECONDS",
            description = "How long workers may take after the load to print the last token. Default: ${DEFAULT-VALUE}.")
    long convergeSeconds;

    @CommandLine.Option(names = "--temp-dir", paramLabel = "DIR",
            description = "Where the run directory is made. Default: the JVM's java.io.tmpdir.")
    Path tempDir;

    @CommandLine.Option(names = "--redis", description = "Run on a Redis bus instead: the harness starts its own "
            + "redis-server (" + "/usr/bin/redis-server, or $MYELIN_REDIS_SERVER) on a free port, the main and the "
            + "workers get --redis, and the faults are: kill -9 redis-server and restart it on the same port, cut every "
            + "Redis client connection (CLIENT KILL), SIGSTOP a worker, kill and restart the main, restart workers "
            + "(SIGTERM, SIGKILL).")
    boolean redis;

    @CommandLine.Option(names = "--keep", description = "Keep the run directory even when the run passed.")
    boolean keep;

    @CommandLine.Option(names = "--json", description = "Print the summary as one JSON document.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TortureOptions options;
        try {
            if (!(minutes > 0)) {
                throw new IllegalArgumentException("--minutes must be positive, not " + minutes);
            }
            Duration load = seconds != null ? Duration.ofSeconds(seconds) : Duration.ofMillis((long) (minutes * 60_000));
            options = new TortureOptions(load, seed, workers, rate, flood, mainHeap,
                    Duration.ofSeconds(convergeSeconds),
                    tempDir != null ? tempDir : Path.of(System.getProperty("java.io.tmpdir")), keep, redis);
        } catch (IllegalArgumentException e) {
            err.println("myelin torture: " + e.getMessage());
            err.println("Run 'myelin torture --help' for the options.");
            return 2;
        }
        TortureReport report;
        try {
            report = new TortureRun(options).run();
        } catch (TortureFailure | java.io.IOException e) {
            err.println("myelin torture: FAILED (harness): " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // the store could not be read, or a bug of the harness: say what, without hiding it
            err.println("myelin torture: FAILED (harness): " + e);
            e.printStackTrace(err);
            return 1;
        }
        if (json) {
            report.printJson(out);
        } else {
            report.printText(out);
        }
        out.flush();
        return report.passed() ? 0 : 1;
    }
}
