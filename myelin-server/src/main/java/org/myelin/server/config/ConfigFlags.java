package org.myelin.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.myelin.node.config.DatabaseConfig;
import org.myelin.node.config.Listener;
import org.myelin.node.config.ListenerType;
import org.myelin.node.config.MyelinConfig;
import org.myelin.node.config.Tunables;

/**
 * What a configuration file says for each command-line option of {@code myelin main} and {@code myelin
 * worker}: the option's value as it would be typed. The command line is the one place settings are
 * applied; the file only supplies the values of the options not given ({@link ConfigDefaults}).
 */
public final class ConfigFlags {
    /**
     * Options that choose one thing together: when the command line gives one of them, the file gives
     * none (a worker told {@code --catch-up-url} must not also get the file's {@code --data}).
     */
    static final Map<String, List<Set<String>>> GROUPS = Map.of(
            "main", List.of(Set.of("--data", "--database")),
            "worker", List.of(Set.of("--data", "--database", "--catch-up-url"), Set.of("--connect", "--redis")));

    private ConfigFlags() {}

    /** The option values for {@code command} ({@code main} or {@code worker}); empty for another. */
    public static Map<String, String> of(String command, MyelinConfig c) {
        Map<String, String> f = new LinkedHashMap<>();
        if (!command.equals("main") && !command.equals("worker")) {
            return f;
        }
        Tunables t = c.myelin();
        put(f, "--server-name", c.serverName());
        put(f, "--replication-secret", c.replicationSecret());
        if (c.database() instanceof DatabaseConfig.Sqlite s) {
            f.put("--data", s.directory().toString());
        } else if (c.database() instanceof DatabaseConfig.Postgres p) {
            f.put("--database", p.jdbcUrl());
        }
        if (c.redis() != null && c.redis().enabled()) {
            f.put("--redis", c.redis().uri());
        }
        f.put("--dialect", t.dialect().configName());
        if (command.equals("main")) {
            put(f, "--instance-name", c.instanceName());
            listen(f, "--listen-tcp", c.listeners(), ListenerType.REPLICATION);
            listen(f, "--listen-http", c.listeners(), ListenerType.HTTP);
            listen(f, "--listen-metrics", c.listeners(), ListenerType.METRICS);
            f.put("--sync-timeout-ms", Long.toString(t.presence().syncTimeout().toMillis()));
            f.put("--instance-expiry-ms", Long.toString(t.presence().instanceExpiry().toMillis()));
            f.put("--store-user-ips", Boolean.toString(t.storeUserIps()));
        } else {
            put(f, "--name", c.workerName());
            connect(c).ifPresent(v -> f.put("--connect", v));
            if (!c.instanceMap().isEmpty()) {
                f.put("--catch-up-url", String.join(",", c.catchUpUrls()));
            }
            listen(f, "--listen-http", c.workerListeners(), ListenerType.HTTP);
            listen(f, "--listen-metrics", c.workerListeners(), ListenerType.METRICS);
            f.put("--user-sync-end-delay-ms", Long.toString(t.sync().endDelay().toMillis()));
            f.put("--user-sync-refresh-ms", Long.toString(t.sync().refreshInterval().toMillis()));
        }
        return f;
    }

    /**
     * Where a worker connects: {@code worker_replication_host}/{@code _port} (Synapse's older worker
     * keys), else the main's {@code replication} listener of the same file (a wildcard address read as
     * this machine).
     */
    private static Optional<String> connect(MyelinConfig c) {
        if (c.replicationEndpoint() != null) {
            return Optional.of(new Listener(ListenerType.REPLICATION, c.replicationEndpoint().host(),
                    c.replicationEndpoint().port()).hostPort());
        }
        return MyelinConfig.listener(c.listeners(), ListenerType.REPLICATION).map(l -> {
            boolean wildcard = l.bindAddress().equals("0.0.0.0") || l.bindAddress().equals("::");
            return wildcard ? new Listener(l.type(), "127.0.0.1", l.port()).hostPort() : l.hostPort();
        });
    }

    private static void listen(Map<String, String> f, String option, List<Listener> listeners, ListenerType type) {
        MyelinConfig.listener(listeners, type).ifPresent(l -> f.put(option, l.hostPort()));
    }

    private static void put(Map<String, String> f, String option, String value) {
        if (value != null) {
            f.put(option, value);
        }
    }
}
