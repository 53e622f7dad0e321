package org.myelin.server.worker;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.myelin.core.presence.SyncSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.protocol.Dialect;
import org.myelin.server.cli.HostPort;
import org.myelin.redis.RedisTransport;
import org.myelin.server.decode.DialectConverter;
import org.myelin.store.StoreException;
import org.myelin.node.config.Tunables;
import org.myelin.server.config.ConfigDefaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code myelin worker}: prints every row of the followed streams once, in token order. */
@CommandLine.Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Follow streams like a Synapse worker; print each row once, in order, as JSON.",
            "",
            "Each row is one line {\"stream\":..,\"instance\":..,\"token\":..,\"row\":..}, in token "
                + "order per stream, whether it came live (RDATA) or by catch-up.",
            "",
            "Without --from or --state a worker starts at the current position, as a Synapse worker "
                + "does. With --state FILE it saves the last token printed per stream and writer there "
                + "and resumes from it when restarted: each row printed exactly once across restarts. "
                + "Rows missed while away are read from the main process's data directory (--data) or "
                + "fetched over HTTP (--catch-up-url, with the replication secret); one of them is required. "
                + "Reconnects forever with backoff. Stops on Ctrl-C / SIGTERM: tells the main process its "
                + "syncing users stopped (CLEAR_USER_SYNC) before closing the link, and exits 0; stops with "
                + "status 1 when standard output fails (a closed pipe)."
        })
public final class WorkerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

    @CommandLine.Option(names = "--name", paramLabel = "NAME",
            description = "This worker's instance name (sent as NAME); required, here or as worker_name in --config.")
    String name;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:MYELIN_CONFIG}",
            description = "Read settings from this YAML file (Synapse's keys: worker_name, worker_listeners, "
                    + "instance_map, redis, database...; and a myelin: section; see 'myelin config example'); a flag "
                    + "given here wins over it. Default: $MYELIN_CONFIG.")
    Path config;

    @CommandLine.Option(names = "--listen-metrics", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Serve GET /metrics alone on this address (a port for Prometheus that exposes nothing "
                    + "else). Default: none.")
    HostPort listenMetrics;

    @CommandLine.Option(names = "--connect", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class, description = "Main process's replication port. Default: ${DEFAULT-VALUE}.")
    HostPort connect;

    @CommandLine.Option(names = "--redis", paramLabel = "URI",
            description = "Follow the Redis channel named after the server instead of --connect "
                    + "(redis://[:password@]host:port, rediss:// for TLS, redis-socket:///path).")
    String redis;

    @CommandLine.Option(names = "--server-name", defaultValue = "localhost", paramLabel = "NAME",
            description = "Server name the main process must announce. Default: ${DEFAULT-VALUE}.")
    String serverName;

    @CommandLine.Option(names = "--data", paramLabel = "DIR",
            description = "The main process's data directory, read to catch up on missed rows.")
    Path data;

    @CommandLine.Option(names = "--database", paramLabel = "URL",
            description = "The writers' PostgreSQL database (jdbc:postgresql://host:port/db?user=... or "
                    + "postgresql://user@host:port/db), read to catch up on missed rows.")
    String database;

    @CommandLine.Option(names = "--catch-up-url", paramLabel = "[INSTANCE=]URL", split = ",",
            description = "Fetch missed rows over HTTP from the writer's listener instead (Myelin's main "
                    + "started with a replication secret, or a Synapse main), e.g. http://127.0.0.1:9093. "
                    + "With several writers, one per writer instance: --catch-up-url writer1=http://... "
                    + "(repeat or comma-separate); a URL without INSTANCE serves the other writers.")
    List<String> catchUpUrls = new ArrayList<>();

    @CommandLine.Option(names = "--replication-secret", paramLabel = "SECRET",
            defaultValue = "${env:MYELIN_REPLICATION_SECRET}",
            description = "The secret for --catch-up-url; prefer the MYELIN_REPLICATION_SECRET environment "
                    + "variable.")
    String replicationSecret;

    @CommandLine.Option(names = "--from", paramLabel = "STREAM[/INSTANCE]=TOKEN", split = ",",
            description = "Resume STREAM (written by INSTANCE, default master) after TOKEN: rows after it are "
                    + "fetched on connect (repeat or comma-separate). A bare TOKEN means every stream and is "
                    + "accepted only for 0 or with a single --follow stream.")
    List<String> from = new ArrayList<>();

    @CommandLine.Option(names = "--state", paramLabel = "FILE",
            description = "Save the last token printed per stream and writer in FILE (atomically, at most every "
                    + "100 ms and on exit) and resume from it on start; it wins over --from for the streams it "
                    + "holds.")
    Path state;

    @CommandLine.Option(names = "--follow", paramLabel = "STREAM", split = ",",
            description = "Streams to follow (repeat or comma-separate). Default: all.")
    List<String> follow = new ArrayList<>();

    @CommandLine.Option(names = "--dialect", defaultValue = "latest", paramLabel = "1.66|latest",
            converter = DialectConverter.class,
            description = "Wire dialect of the main process: 1.66 sends USER_SYNC without a device id and never "
                    + "LOCK_RELEASED/NEW_ACTIVE_TASK. Default: ${DEFAULT-VALUE}.")
    Dialect dialect;

    @CommandLine.Option(names = "--user-sync-end-delay-ms", defaultValue = "10000", paramLabel = "MS",
            description = "Presence: USER_SYNC end goes out this long after a user's last sync stops. "
                    + "Default: ${DEFAULT-VALUE}.")
    long endDelayMs;

    @CommandLine.Option(names = "--user-sync-refresh-ms", defaultValue = "60000", paramLabel = "MS",
            description = "Presence: USER_SYNC start is re-sent this often for every syncing user (keep it well "
                    + "under the main's --instance-expiry-ms). Default: ${DEFAULT-VALUE}.")
    long refreshMs;

    @CommandLine.Option(names = "--listen-http", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Serve this worker's HTTP port: POST /_myelin/v1/sync/{user_id} (a user starts or "
                    + "stops syncing here), POST /_myelin/v1/user_ip, GET /_myelin/v1/status, GET /metrics. "
                    + "Default: none.")
    HostPort listenHttp;

    @CommandLine.Option(names = "--write-caches",
            description = "Also write the caches stream, as any Synapse process may: rows POSTed to "
                    + "/_myelin/v1/streams/caches on --listen-http are stored under this worker's --name in the "
                    + "writers' PostgreSQL database and streamed to every process on the Redis bus. Needs "
                    + "--database and --redis.")
    boolean writeCaches;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * One bare URL: the one writer's listener, as before. Otherwise {@code INSTANCE=URL} per writer,
     * and at most one bare URL for the others.
     */
    static CatchUpSource catchUpUrls(List<String> values, String secret) {
        java.util.Map<String, URI> bases = new java.util.LinkedHashMap<>();
        URI fallback = null;
        for (String value : values) {
            int eq = value.indexOf('=');
            String head = eq < 0 ? "" : value.substring(0, eq);
            boolean named = eq > 0 && !head.contains(":") && !head.contains("/");
            URI uri;
            try {
                uri = URI.create(named ? value.substring(eq + 1) : value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--catch-up-url takes [INSTANCE=]URL, got '" + value + "'");
            }
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("--catch-up-url takes [INSTANCE=]URL with http://host:port, got '"
                        + value + "'");
            }
            if (!named) {
                if (fallback != null) {
                    throw new IllegalArgumentException("--catch-up-url: one URL without INSTANCE= at most");
                }
                fallback = uri;
            } else if (bases.put(head, uri) != null) {
                throw new IllegalArgumentException("--catch-up-url: writer instance " + head + " given twice");
            }
        }
        if (bases.isEmpty()) {
            return new CatchUpSource.OverHttp(fallback, secret);
        }
        return new CatchUpSource.OverHttpPerWriter(bases, fallback, secret);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Tunables tunables = ConfigDefaults.of(spec).myelin();
        if (name == null || name.isEmpty()) {
            err.println("myelin worker: a worker needs a name: give --name NAME (or worker_name in --config).");
            return 2;
        }
        CatchUpSource catchUp;
        if (data != null) {
            catchUp = new CatchUpSource.SharedFile(data);
        } else if (database != null) {
            catchUp = new CatchUpSource.Database(database);
        } else if (!catchUpUrls.isEmpty() && replicationSecret != null && !replicationSecret.isEmpty()) {
            try {
                catchUp = catchUpUrls(catchUpUrls, replicationSecret);
            } catch (IllegalArgumentException e) {
                err.println("myelin worker: " + e.getMessage());
                return 2;
            }
        } else if (!catchUpUrls.isEmpty()) {
            err.println("myelin worker: --catch-up-url needs the writer's replication secret: set");
            err.println("  MYELIN_REPLICATION_SECRET (or give --replication-secret).");
            return 2;
        } else {
            err.println("myelin worker: a worker needs a way to fetch rows it missed while away: give --data DIR,");
            err.println("  the data directory of the main process (for example --data myelin-data), --database URL");
            err.println("  of the writers' PostgreSQL database, or");
            err.println("  --catch-up-url URL of its HTTP listener with MYELIN_REPLICATION_SECRET set.");
            return 2;
        }
        if (writeCaches && (database == null || redis == null)) {
            err.println("myelin worker: --write-caches needs --database URL (the writers' PostgreSQL database, where");
            err.println("  the rows go) and --redis URI (the bus that carries them to the other processes).");
            return 2;
        }
        ResumePositions resume;
        StateFile stateFile = state == null ? null : new StateFile(state);
        Map<String, Map<String, Long>> saved = Map.of();
        try {
            resume = FromOption.parse(from, follow);
            if (stateFile != null) {
                saved = stateFile.load();
                Map<String, Map<String, Long>> merged = new TreeMap<>(resume.tokens());
                merged.putAll(saved); // the state file knows what was printed; it wins
                resume = new ResumePositions(merged, resume.otherwise());
            }
            if (stateFile != null) {
                stateFile.save(saved); // can it be written at all? better refused now than after rows
            }
        } catch (IllegalArgumentException | StateFile.StateFileException e) {
            err.println("myelin worker: " + e.getMessage());
            return 2;
        } catch (java.io.IOException e) {
            err.println("myelin worker: cannot write state file " + state + ": " + e);
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        StateSaver saver = stateFile == null ? null : new StateSaver(stateFile, saved,
                tunables.stateSaveInterval());
        RowPrinter printer = saver == null ? new RowPrinter(out) : new RowPrinter(out, saver);
        WorkerProcess worker;
        WorkerProcess.Presence presence;
        try {
            presence = new WorkerProcess.Presence(WorkerProcess.Presence.newInstanceId(name), new SyncSettings(
                    Duration.ofMillis(endDelayMs), Duration.ofMillis(refreshMs), tunables.sync().tickInterval()));
        } catch (IllegalArgumentException e) {
            err.println("myelin worker: " + e.getMessage());
            return 2;
        }
        // 0 when stopped by a signal; 1 when output or the state file failed
        CompletableFuture<Integer> outcome = new CompletableFuture<>();
        // The worker once started, or null when it failed to: the shutdown hook waits for it.
        CompletableFuture<WorkerProcess> started = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // Installed before the engine starts, so that a SIGTERM arriving while it starts (rows may be
        // printed from the first milliseconds) is a clean stop too: the engine closed, the last state
        // saved, status 0; not the JVM's default exit 143 with the rows since the last save unsaved.
        Thread hook = new Thread(() -> {
            WorkerProcess running = null;
            try {
                running = started.get(30, TimeUnit.SECONDS); // let a start under way finish, then close it
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                log.warn("myelin worker: stopping before the worker finished starting: {}", e.toString());
            }
            if (running != null) {
                stop(running, printer, saver); // CLEAR_USER_SYNC first, then the link closes, then the last state
            } else {
                printer.close();
                if (saver != null) {
                    saver.close();
                }
            }
            stopped.countDown();
            outcome.complete(0);
            // A stop asked for with SIGTERM or Ctrl-C is a clean stop: exit 0, not the JVM's 143/130.
            Runtime.getRuntime().halt(0);
        }, "shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            WorkerProcess.WorkerConfig workerConfig = new WorkerProcess.WorkerConfig(name, connect, serverName, catchUp,
                    resume, follow, tunables.tcp().withDialect(dialect));
            worker = WorkerProcess.start(workerConfig, printer, presence, redis == null ? null : RedisTransport.parseUri(redis),
                    tunables, writeCaches);
        } catch (StoreException | IllegalArgumentException e) {
            started.complete(null);
            if (unhook(hook, stopped)) {
                printer.close();
                if (saver != null) {
                    saver.close();
                }
            }
            err.println("myelin worker: " + e.getMessage());
            return 2;
        } catch (RuntimeException | Error e) {
            started.complete(null);
            throw e;
        }
        started.complete(worker);
        if (listenHttp != null || listenMetrics != null) {
            try {
                if (listenHttp != null) {
                    worker.listenHttp(listenHttp.host(), listenHttp.port());
                }
                if (listenMetrics != null) {
                    worker.listenMetrics(listenMetrics.host(), listenMetrics.port());
                }
            } catch (java.io.IOException e) {
                if (unhook(hook, stopped)) {
                    stop(worker, printer, saver);
                }
                err.println("myelin worker: " + e.getMessage());
                return 1;
            }
        }
        printer.failure().whenComplete((ok, e) -> {
            if (e != null) {
                log.error("myelin worker: {}; stopping (status 1), state kept at the last row written", e.getMessage());
                outcome.complete(1);
            }
        });
        if (saver != null) {
            saver.failure().whenComplete((ok, e) -> {
                if (e != null) {
                    log.error("myelin worker: cannot save state to {}; stopping (status 1)", state);
                    outcome.complete(1);
                }
            });
        }
        int status = outcome.get();
        if (status != 0 && unhook(hook, stopped)) {
            stop(worker, printer, saver);
        }
        return status;
    }

    /**
     * Removes the shutdown hook so that the caller stops the worker itself; returns false when the
     * JVM is already shutting down, after waiting for the hook to have stopped it.
     */
    private static boolean unhook(Thread hook, CountDownLatch stopped) throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            stopped.await(); // the JVM is already shutting down: the hook stops the worker
            return false;
        }
    }

    /**
     * The engine first (no row after it), then the last flush of the output (which reports the
     * positions it covers), then the final state save covering what was printed.
     */
    private static void stop(WorkerProcess worker, RowPrinter printer, StateSaver saver) {
        worker.close();
        printer.close();
        if (saver != null) {
            saver.close();
        }
    }
}
