package org.myelin.server.main;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.myelin.server.cli.HostPort;
import org.myelin.tcp.TcpSettings;
import picocli.CommandLine;

/** {@code myelin main}: runs the writer until interrupted. */
@CommandLine.Command(
        name = "main",
        mixinStandardHelpOptions = true,
        description = {
            "Run the writer: an SQLite store, TCP replication for workers, and an HTTP write API.",
            "",
            "Rows are appended with POST /_myelin/v1/streams/{stream} (a JSON array of rows, each "
                + "with its own token, or {\"rows\":[...],\"same_token\":true}); GET /_myelin/v1/status "
                + "shows streams, positions and connected links. Stops cleanly on Ctrl-C / SIGTERM."
        })
public final class MainCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--data", defaultValue = "myelin-data", paramLabel = "DIR",
            description = "Data directory (created if missing). Default: ${DEFAULT-VALUE}.")
    Path data;

    @CommandLine.Option(names = "--server-name", defaultValue = "localhost", paramLabel = "NAME",
            description = "Server name sent to workers as SERVER. Default: ${DEFAULT-VALUE}.")
    String serverName;

    @CommandLine.Option(names = "--listen-tcp", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class,
            description = "Replication listener. Default: ${DEFAULT-VALUE}.")
    HostPort listenTcp;

    @CommandLine.Option(names = "--listen-http", defaultValue = "127.0.0.1:9093", paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class,
            description = "HTTP API listener. Default: ${DEFAULT-VALUE}.")
    HostPort listenHttp;

    @CommandLine.Option(names = "--replication-secret", paramLabel = "SECRET",
            defaultValue = "${env:MYELIN_REPLICATION_SECRET}",
            description = "Turns on Synapse's HTTP catch-up endpoint for workers on other machines; they "
                    + "present this secret. Prefer the MYELIN_REPLICATION_SECRET environment variable, "
                    + "which other users cannot read in the process list.")
    String replicationSecret;

    @CommandLine.Option(names = "--redis", paramLabel = "URI",
            description = "Also replicate over Redis pub/sub, as Synapse does (redis://[:password@]host:port, "
                    + "rediss:// for TLS, redis-socket:///path): publish on the channel named after the server, "
                    + "hear <server-name>/USER_IP. TCP workers and the HTTP API are still served.")
    String redis;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MainProcess process;
        io.lettuce.core.RedisURI redisUri;
        try {
            redisUri = redis == null ? null : org.myelin.redis.RedisTransport.parseUri(redis);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("myelin main: --redis: " + e.getMessage());
            return 2;
        }
        try {
            process = MainProcess.start(new MainProcess.MainConfig(data, serverName, listenTcp, listenHttp,
                    TcpSettings.defaults(), replicationSecret == null || replicationSecret.isEmpty() ? null
                            : replicationSecret), redisUri);
        } catch (java.io.IOException | RuntimeException e) {
            spec.commandLine().getErr().println("myelin main: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
