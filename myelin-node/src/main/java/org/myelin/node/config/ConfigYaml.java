package org.myelin.node.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;

/** Writes a {@link MyelinConfig} back as YAML in the file's own keys. */
final class ConfigYaml {
    private static final String HIDDEN = "(hidden)";

    private ConfigYaml() {}

    static String write(MyelinConfig c, boolean hideSecrets) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        putIf(root, "server_name", c.serverName());
        putIf(root, "instance_name", c.instanceName());
        putIf(root, "worker_name", c.workerName());
        if (c.replicationSecret() != null) {
            root.put("worker_replication_secret", hideSecrets ? HIDDEN : c.replicationSecret());
        }
        if (c.replicationEndpoint() != null) {
            root.put("worker_replication_host", c.replicationEndpoint().host());
            root.put("worker_replication_port", c.replicationEndpoint().port());
        }
        if (!c.instanceMap().isEmpty()) {
            ObjectNode map = root.putObject("instance_map");
            c.instanceMap().forEach((name, l) -> map.putObject(name).put("host", l.host()).put("port", l.port())
                    .put("tls", l.tls()));
        }
        if (!c.streamWriters().isEmpty()) {
            ObjectNode writers = root.putObject("stream_writers");
            c.streamWriters().forEach((stream, instances) -> {
                ArrayNode list = writers.putArray(stream);
                instances.forEach(list::add);
            });
        }
        if (c.redis() != null) {
            RedisConfig r = c.redis();
            ObjectNode redis = root.putObject("redis").put("enabled", r.enabled()).put("host", r.host())
                    .put("port", r.port());
            putIf(redis, "path", r.path());
            redis.put("dbid", r.dbid());
            if (r.password() != null) {
                redis.put("password", hideSecrets ? HIDDEN : r.password());
            }
            redis.put("use_tls", r.useTls());
        }
        if (c.database() instanceof DatabaseConfig.Sqlite s) {
            root.putObject("database").put("name", "sqlite3").putObject("args")
                    .put("database", s.directory().toString());
        } else if (c.database() instanceof DatabaseConfig.Postgres p) {
            ObjectNode args = root.putObject("database").put("name", "psycopg2").putObject("args");
            args.put("host", p.host()).put("port", p.port()).put("dbname", p.database());
            putIf(args, "user", p.user());
            if (p.password() != null) {
                args.put("password", hideSecrets ? HIDDEN : p.password());
            }
            putIf(args, "sslmode", p.sslmode());
        }
        listeners(root, "listeners", c.listeners());
        listeners(root, "worker_listeners", c.workerListeners());
        ObjectNode myelin = root.putObject("myelin");
        for (Tunable t : Tunables.KEYS) {
            ObjectNode group = myelin;
            String[] parts = t.key().split("\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                group = group.has(parts[i]) ? (ObjectNode) group.get(parts[i]) : group.putObject(parts[i]);
            }
            Object v = c.myelin().values().get(t.key());
            String leaf = parts[parts.length - 1];
            switch (t.kind()) {
                case COUNT -> group.put(leaf, (Long) v);
                case FRACTION -> group.put(leaf, (Double) v);
                case BOOLEAN -> group.put(leaf, (Boolean) v);
                case SIZE -> {
                    String text = t.format(v);
                    if (text.chars().allMatch(Character::isDigit)) {
                        group.put(leaf, (Long) v);
                    } else {
                        group.put(leaf, text);
                    }
                }
                default -> group.put(leaf, t.format(v));
            }
        }
        try {
            return new YAMLMapper().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the configuration as YAML", e);
        }
    }

    private static void listeners(ObjectNode root, String key, List<Listener> listeners) {
        if (listeners.isEmpty()) {
            return;
        }
        ArrayNode list = root.putArray(key);
        for (Listener l : listeners) {
            ObjectNode node = list.addObject().put("type", l.type().configName());
            node.putArray("bind_addresses").add(l.bindAddress());
            node.put("port", l.port());
        }
    }

    private static void putIf(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}
