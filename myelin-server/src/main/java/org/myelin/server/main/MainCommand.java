package org.myelin.server.main;

import java.nio.file.Path;
import java.time.Duration;
import org.myelin.core.presence.PresenceSettings;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.myelin.protocol.Dialect;
import org.myelin.server.cli.HostPort;
import org.myelin.server.decode.DialectConverter;
import org.myelin.node.config.Tunables;
import org.myelin.server.config.ConfigDefaults;
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

    @CommandLine.Option(names = "--dialect", defaultValue = "latest", paramLabel = "1.66|latest",
            converter = DialectConverter.class,
            description = "Wire dialect spoken to workers: 1.66 never sends LOCK_RELEASED/NEW_ACTIVE_TASK. "
                    + "Default: ${DEFAULT-VALUE}.")
    Dialect dialect;

    @CommandLine.Option(names = "--sync-timeout-ms", defaultValue = "30000", paramLabel = "MS",
            description = "Presence: a user no instance has syncing goes offline after this. Default: ${DEFAULT-VALUE}.")
    long syncTimeoutMs;

    @CommandLine.Option(names = "--instance-expiry-ms", defaultValue = "300000", paramLabel = "MS",
            description = "Presence: an instance silent this long is dropped as if it had sent CLEAR_USER_SYNC. "
                    + "Default: ${DEFAULT-VALUE}.")
    long instanceExpiryMs;

    @CommandLine.Option(names = "--database", paramLabel = "URL",
            description = "Store in this PostgreSQL database instead of --data (jdbc:postgresql://host:port/db?user=... "
                    + "or postgresql://user@host:port/db), shared by several writers and read by workers on any "
                    + "machine. Default: the SQLite file in --data.")
    String database;

    @CommandLine.Option(names = "--instance-name", defaultValue = "master", paramLabel = "NAME",
            description = "This writer's instance name, carried by its RDATA and POSITION; writers sharing a "
                    + "--database need distinct names. Default: ${DEFAULT-VALUE}.")
    String instanceName;

    @CommandLine.Option(names = "--store-user-ips", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Store USER_IP reports in the client_ips table (--no-store-user-ips ignores them). "
                    + "Default: ${DEFAULT-VALUE}.")
    boolean storeUserIps;

    @CommandLine.Option(names = "--redis", paramLabel = "URI",
            description = "Also replicate over Redis pub/sub, as Synapse does (redis://[:password@]host:port, "
                    + "rediss:// for TLS, redis-socket:///path): publish on the channel named after the server, "
                    + "hear <server-name>/USER_IP. TCP workers and the HTTP API are still served.")
    String redis;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:MYELIN_CONFIG}",
            description = "Read settings from this YAML file (Synapse's keys, and a myelin: section; see "
                    + "'myelin config example'); a flag given here wins over it. Default: $MYELIN_CONFIG.")
    Path config;

    @CommandLine.Option(names = "--listen-metrics", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Also serve GET /metrics alone on this address (a port for Prometheus that exposes "
                    + "nothing else). Default: none.")
    HostPort listenMetrics;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        MainProcess process;
        PresenceSettings presence;
        Tunables tunables = ConfigDefaults.of(spec).myelin();
        io.lettuce.core.RedisURI redisUri;
        try {
            redisUri = redis == null ? null : org.myelin.redis.RedisTransport.parseUri(redis);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("myelin main: --redis: " + e.getMessage());
            return 2;
        }
        try {
            presence = new PresenceSettings(Duration.ofMillis(syncTimeoutMs), Duration.ofMillis(instanceExpiryMs),
                    tunables.presence().tickInterval());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("myelin main: " + e.getMessage());
            return 2;
        }
        try {
            process = MainProcess.start(new MainProcess.MainConfig(data, serverName, listenTcp, listenHttp,
                    tunables.tcp().withDialect(dialect), replicationSecret == null || replicationSecret.isEmpty() ? null
                            : replicationSecret, database, instanceName), presence, storeUserIps, redisUri, tunables);
        } catch (java.io.IOException | RuntimeException e) {
            spec.commandLine().getErr().println("myelin main: cannot start: " + e.getMessage());
            return 1;
        }
        try {
            if (listenMetrics != null) {
                process.listenMetrics(listenMetrics.host(), listenMetrics.port());
            }
        } catch (java.io.IOException e) {
            process.close();
            spec.commandLine().getErr().println("myelin main: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.close();
            stopped.countDown();
            // A stop asked for with SIGTERM or Ctrl-C is a clean stop: exit 0, not the JVM's 143/130.
            Runtime.getRuntime().halt(0);
        }, "shutdown"));
        stopped.await();
        return 0;
    }
}
