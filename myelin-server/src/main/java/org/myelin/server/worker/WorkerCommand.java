package org.myelin.server.worker;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.myelin.server.cli.HostPort;
import org.myelin.redis.RedisTransport;
import org.myelin.store.StoreException;
import org.myelin.tcp.TcpSettings;
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
            "Without --from a worker starts at the current position, as a Synapse worker does. Rows "
                + "missed while away are read from the main process's data directory (--data) or fetched "
                + "over HTTP (--catch-up-url, with the replication secret); one of them is required. "
                + "Reconnects forever with backoff. Stops on Ctrl-C / SIGTERM."
        })
public final class WorkerCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--name", required = true, paramLabel = "NAME",
            description = "This worker's instance name (sent as NAME).")
    String name;

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

    @CommandLine.Option(names = "--catch-up-url", paramLabel = "URL",
            description = "Fetch missed rows over HTTP from the writer's listener instead (Myelin's main "
                    + "started with a replication secret, or a Synapse main), e.g. http://127.0.0.1:9093.")
    URI catchUpUrl;

    @CommandLine.Option(names = "--replication-secret", paramLabel = "SECRET",
            defaultValue = "${env:MYELIN_REPLICATION_SECRET}",
            description = "The secret for --catch-up-url; prefer the MYELIN_REPLICATION_SECRET environment "
                    + "variable.")
    String replicationSecret;

    @CommandLine.Option(names = "--from", paramLabel = "TOKEN",
            description = "Start every stream after this token (rows after it are fetched on connect).")
    Long from;

    @CommandLine.Option(names = "--follow", paramLabel = "STREAM", split = ",",
            description = "Streams to follow (repeat or comma-separate). Default: all.")
    List<String> follow = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        CatchUpSource catchUp;
        if (data != null) {
            catchUp = new CatchUpSource.SharedFile(data);
        } else if (catchUpUrl != null && replicationSecret != null && !replicationSecret.isEmpty()) {
            catchUp = new CatchUpSource.OverHttp(catchUpUrl, replicationSecret);
        } else if (catchUpUrl != null) {
            err.println("myelin worker: --catch-up-url needs the writer's replication secret: set");
            err.println("  MYELIN_REPLICATION_SECRET (or give --replication-secret).");
            return 2;
        } else {
            err.println("myelin worker: a worker needs a way to fetch rows it missed while away: give --data DIR,");
            err.println("  the data directory of the main process (for example --data myelin-data), or");
            err.println("  --catch-up-url URL of its HTTP listener with MYELIN_REPLICATION_SECRET set.");
            return 2;
        }
        WorkerProcess worker;
        try {
            WorkerProcess.WorkerConfig config = new WorkerProcess.WorkerConfig(name, connect, serverName, catchUp,
                    from == null ? OptionalLong.empty() : OptionalLong.of(from), follow, TcpSettings.defaults());
            RowPrinter printer = new RowPrinter(spec.commandLine().getOut());
            worker = redis == null ? WorkerProcess.start(config, printer)
                    : WorkerProcess.startOnRedis(config, RedisTransport.parseUri(redis), printer);
        } catch (StoreException | IllegalArgumentException e) {
            err.println("myelin worker: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            spec.commandLine().getOut().flush();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
