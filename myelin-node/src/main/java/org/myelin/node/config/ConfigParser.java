package org.myelin.node.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.myelin.protocol.Dialect;

/**
 * Reads the YAML tree into a {@link MyelinConfig}, collecting every problem as {@code path: reason}
 * rather than stopping at the first.
 */
final class ConfigParser {
    /** The top-level keys Myelin reads. */
    private static final Set<String> TOP = Set.of("server_name", "instance_name", "worker_name", "instance_map",
            "stream_writers", "redis", "database", "worker_replication_secret", "worker_replication_host",
            "worker_replication_port", "listeners", "worker_listeners", "myelin");
    /**
     * Genuine keys of Synapse's homeserver and worker configuration that Myelin has no use for: a
     * Synapse file is readable as it is. Anything else unknown is an error (a typo must not pass).
     */
    static final Set<String> SYNAPSE_IGNORED = Set.of(
            "worker_app", "worker_log_config", "log_config", "signing_key_path", "pid_file", "worker_pid_file",
            "daemonize", "worker_daemonize", "report_stats", "media_store_path", "macaroon_secret_key",
            "form_secret", "registration_shared_secret", "public_baseurl", "trusted_key_servers",
            "suppress_key_server_warning", "enable_metrics", "worker_main_http_uri", "worker_replication_http_port",
            "worker_replication_http_tls", "send_federation", "federation_sender_instances", "pusher_instances",
            "start_pushers", "notify_appservices_from_worker", "update_user_directory_from_worker",
            "run_background_tasks_on", "media_instance_running_background_jobs", "enable_media_repo",
            "outbound_federation_restricted_to", "use_presence", "presence", "caches", "event_cache_size",
            "web_client_location", "serve_server_wellknown", "max_upload_size", "enable_registration",
            "experimental_features", "federation_domain_whitelist", "tls_certificate_path", "tls_private_key_path",
            "manhole_settings", "metrics_flags", "opentracing", "app_service_config_files", "admin_contact",
            "email", "url_preview_enabled", "user_directory", "retention", "turn_uris", "turn_shared_secret",
            "user_ips_max_age", "worker_name_from_env", "instance_map_main", "allowed_local_3pids");
    private static final Set<String> LISTENER_KEYS = Set.of("type", "port", "bind_addresses", "bind_address");
    private static final Set<String> LISTENER_IGNORED = Set.of("tls", "x_forwarded", "resources",
            "additional_resources", "tag", "request_id_header", "experimental_cors_msc3886");
    private static final Set<String> REDIS_KEYS = Set.of("enabled", "host", "port", "path", "dbid", "password",
            "password_path", "use_tls");
    private static final Set<String> REDIS_UNSUPPORTED = Set.of("certificate_file", "private_key_file", "ca_file",
            "ca_path");
    private static final Set<String> DATABASE_IGNORED = Set.of("txn_limit", "allow_unsafe_locale", "data_stores");
    private static final Set<String> PG_ARGS = Set.of("user", "password", "host", "port", "database", "dbname",
            "sslmode");
    private static final Set<String> PG_ARGS_IGNORED = Set.of("cp_min", "cp_max", "cp_reconnect", "keepalives",
            "keepalives_idle", "keepalives_interval", "keepalives_count", "application_name", "connect_timeout");

    private final Path base;
    private final List<String> errors = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();

    ConfigParser(Path base) {
        this.base = base;
    }

    MyelinConfig parse(String yaml) {
        JsonNode root;
        try {
            YAMLMapper mapper = new YAMLMapper(new YAMLFactory());
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new ConfigException(List.of(where + "not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(List.of("cannot read: " + e.getMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return MyelinConfig.empty(); // an empty file: every default
        }
        if (!root.isObject()) {
            throw new ConfigException(List.of("(top): must be a mapping of keys to values, got " + describe(root)));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (SYNAPSE_IGNORED.contains(key)) {
                ignored.add(key);
            } else if (!TOP.contains(key)) {
                errors.add(key + ": unknown key" + hint(key, TOP));
            }
        }
        String serverName = word(root.path("server_name"), "server_name");
        String instanceName = word(root.path("instance_name"), "instance_name");
        String workerName = word(root.path("worker_name"), "worker_name");
        Map<String, InstanceLocation> instanceMap = instanceMap(root.path("instance_map"));
        Map<String, List<String>> writers = streamWriters(root.path("stream_writers"), instanceMap);
        RedisConfig redis = redis(root.path("redis"));
        DatabaseConfig database = database(root.path("database"));
        String secret = string(root.path("worker_replication_secret"), "worker_replication_secret");
        if (secret != null && secret.isEmpty()) {
            errors.add("worker_replication_secret: must not be empty");
        }
        InstanceLocation endpoint = replicationEndpoint(root);
        List<Listener> listeners = listeners(root.path("listeners"), "listeners");
        List<Listener> workerListeners = listeners(root.path("worker_listeners"), "worker_listeners");
        Tunables myelin = tunables(root.path("myelin"));
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new MyelinConfig(serverName, instanceName, workerName, instanceMap, writers, redis, database, secret,
                endpoint, listeners, workerListeners, myelin, ignored);
    }

    private InstanceLocation replicationEndpoint(JsonNode root) {
        String host = string(root.path("worker_replication_host"), "worker_replication_host");
        Integer port = port(root.path("worker_replication_port"), "worker_replication_port");
        if (host == null && port == null) {
            return null;
        }
        if (host == null || port == null) {
            errors.add((host == null ? "worker_replication_host" : "worker_replication_port")
                    + ": missing; worker_replication_host and worker_replication_port go together");
            return null;
        }
        return host.isBlank() ? null : new InstanceLocation(host, port, false);
    }

    private Map<String, InstanceLocation> instanceMap(JsonNode node) {
        Map<String, InstanceLocation> map = new LinkedHashMap<>();
        if (!object(node, "instance_map")) {
            return map;
        }
        node.fields().forEachRemaining(e -> {
            String path = "instance_map." + e.getKey();
            JsonNode entry = e.getValue();
            if (!object(entry, path)) {
                return;
            }
            if (entry.has("path")) {
                errors.add(path + ".path: Unix sockets are not supported by Myelin; give host and port");
            }
            keys(entry, path, Set.of("host", "port", "tls", "path"), Set.of());
            String host = string(entry.path("host"), path + ".host");
            Integer port = port(entry.path("port"), path + ".port");
            Boolean tls = bool(entry.path("tls"), path + ".tls");
            if (!entry.has("host") && !entry.has("path")) {
                errors.add(path + ".host: missing");
            }
            if (!entry.has("port") && !entry.has("path")) {
                errors.add(path + ".port: missing");
            }
            if (host != null && port != null) {
                if (host.isBlank()) {
                    errors.add(path + ".host: must not be empty");
                } else {
                    map.put(e.getKey(), new InstanceLocation(host, port, tls != null && tls));
                }
            }
        });
        return map;
    }

    private Map<String, List<String>> streamWriters(JsonNode node, Map<String, InstanceLocation> instanceMap) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        if (!object(node, "stream_writers")) {
            return map;
        }
        node.fields().forEachRemaining(e -> {
            String path = "stream_writers." + e.getKey();
            List<String> instances = new ArrayList<>();
            if (e.getValue().isTextual()) {
                checkWriter(e.getValue(), path, instanceMap, instances);
            } else if (e.getValue().isArray()) {
                for (int i = 0; i < e.getValue().size(); i++) {
                    checkWriter(e.getValue().get(i), path + "[" + i + "]", instanceMap, instances);
                }
            } else {
                errors.add(path + ": must be an instance name or a list of them, got " + describe(e.getValue()));
            }
            map.put(e.getKey(), instances);
        });
        return map;
    }

    private void checkWriter(JsonNode node, String path, Map<String, InstanceLocation> instanceMap, List<String> out) {
        String name = word(node, path);
        if (name == null) {
            return;
        }
        boolean main = name.equals(MyelinConfig.MAIN_INSTANCE) || name.equals(MyelinConfig.MAIN_MAP_NAME);
        if (!main && !instanceMap.containsKey(name)) {
            errors.add(path + ": instance '" + name + "' is not in instance_map (a stream's writers must be)");
        }
        out.add(name);
    }

    private RedisConfig redis(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!object(node, "redis")) {
            return null;
        }
        for (String key : REDIS_UNSUPPORTED) {
            if (node.has(key)) {
                errors.add("redis." + key + ": client certificates are not supported by Myelin (use_tls with a "
                        + "certificate the JVM trusts works)");
            }
        }
        keys(node, "redis", union(REDIS_KEYS, REDIS_UNSUPPORTED), Set.of());
        RedisConfig d = RedisConfig.defaults();
        Boolean enabled = bool(node.path("enabled"), "redis.enabled");
        String host = string(node.path("host"), "redis.host");
        Integer port = port(node.path("port"), "redis.port");
        String path = string(node.path("path"), "redis.path");
        Long dbid = integer(node.path("dbid"), "redis.dbid", 0, 1_000_000);
        String password = string(node.path("password"), "redis.password");
        String passwordPath = string(node.path("password_path"), "redis.password_path");
        Boolean tls = bool(node.path("use_tls"), "redis.use_tls");
        if (password != null && passwordPath != null) {
            errors.add("redis.password_path: give password or password_path, not both");
        } else if (passwordPath != null) {
            Path file = base == null ? Path.of(passwordPath) : base.resolve(passwordPath);
            try {
                password = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                errors.add("redis.password_path: cannot read " + file + ": " + e.getMessage());
            }
        }
        if (host != null && host.isBlank()) {
            errors.add("redis.host: must not be empty");
            host = null;
        }
        return new RedisConfig(enabled != null && enabled, host == null ? d.host() : host,
                port == null ? d.port() : port, path, dbid == null ? 0 : dbid.intValue(),
                password == null || password.isEmpty() ? null : password, tls != null && tls);
    }

    private DatabaseConfig database(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!object(node, "database")) {
            return null;
        }
        keys(node, "database", Set.of("name", "args"), DATABASE_IGNORED);
        String name = string(node.path("name"), "database.name");
        JsonNode args = node.path("args");
        if (!args.isMissingNode() && !object(args, "database.args")) {
            return null;
        }
        if (name == null) {
            if (!node.has("name")) {
                errors.add("database.name: missing; sqlite3 or psycopg2");
            }
            return null;
        }
        switch (name) {
            case "sqlite3" -> {
                keys(args, "database.args", Set.of("database"), Set.of("cp_min", "cp_max"));
                String dir = string(args.path("database"), "database.args.database");
                if (dir == null) {
                    if (!args.has("database")) {
                        errors.add("database.args.database: missing; the data directory of the SQLite store");
                    }
                    return null;
                }
                if (dir.isBlank()) {
                    errors.add("database.args.database: must not be empty");
                    return null;
                }
                return new DatabaseConfig.Sqlite(Path.of(dir));
            }
            case "psycopg2" -> {
                keys(args, "database.args", PG_ARGS, PG_ARGS_IGNORED);
                String host = string(args.path("host"), "database.args.host");
                Integer port = port(args.path("port"), "database.args.port");
                String db = string(args.path("database"), "database.args.database");
                String dbname = string(args.path("dbname"), "database.args.dbname");
                if (db != null && dbname != null && !db.equals(dbname)) {
                    errors.add("database.args.dbname: differs from database.args.database; give one");
                }
                String database = db != null ? db : dbname;
                if (database == null && !args.has("database") && !args.has("dbname")) {
                    errors.add("database.args.dbname: missing; the PostgreSQL database");
                }
                if (host != null && host.startsWith("/")) {
                    errors.add("database.args.host: Unix socket directories are not supported by Myelin; give a "
                            + "host name, got '" + host + "'");
                }
                String user = string(args.path("user"), "database.args.user");
                String password = string(args.path("password"), "database.args.password");
                String sslmode = string(args.path("sslmode"), "database.args.sslmode");
                if (sslmode != null && !Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
                        .contains(sslmode)) {
                    errors.add("database.args.sslmode: must be disable, allow, prefer, require, verify-ca or "
                            + "verify-full, got '" + sslmode + "'");
                }
                if (database == null) {
                    return null;
                }
                return new DatabaseConfig.Postgres(host == null ? "localhost" : host, port == null ? 5432 : port,
                        database, user, password, sslmode);
            }
            default -> {
                errors.add("database.name: must be sqlite3 or psycopg2, got '" + name + "'");
                return null;
            }
        }
    }

    private List<Listener> listeners(JsonNode node, String path) {
        List<Listener> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            errors.add(path + ": must be a list of listeners, got " + describe(node));
            return out;
        }
        Set<ListenerType> seen = new java.util.HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode l = node.get(i);
            if (!object(l, at)) {
                continue;
            }
            String type = string(l.path("type"), at + ".type");
            keys(l, at, LISTENER_KEYS, LISTENER_IGNORED);
            if (type == null) {
                if (!l.has("type")) {
                    errors.add(at + ".type: missing; replication, http or metrics");
                }
                continue;
            }
            if (type.equals("manhole")) {
                ignored.add(at + " (type manhole)");
                continue;
            }
            ListenerType kind;
            try {
                kind = ListenerType.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add(at + ".type: must be replication, http or metrics, got '" + type + "'");
                continue;
            }
            if (l.path("tls").asBoolean(false)) {
                errors.add(at + ".tls: TLS listeners are not supported by Myelin; put a TLS proxy in front");
            }
            Integer port = port(l.path("port"), at + ".port");
            if (port == null && !l.has("port")) {
                errors.add(at + ".port: missing");
            }
            List<String> addresses = new ArrayList<>();
            JsonNode many = l.path("bind_addresses");
            if (!many.isMissingNode() && !many.isNull()) {
                if (!many.isArray()) {
                    errors.add(at + ".bind_addresses: must be a list of addresses, got " + describe(many));
                } else {
                    for (int j = 0; j < many.size(); j++) {
                        String a = string(many.get(j), at + ".bind_addresses[" + j + "]");
                        if (a != null && !addresses.contains(a)) {
                            addresses.add(a);
                        }
                    }
                }
            }
            String one = string(l.path("bind_address"), at + ".bind_address");
            if (one != null && !addresses.contains(one)) {
                addresses.add(one);
            }
            if (addresses.size() > 1) {
                errors.add(at + ".bind_addresses: Myelin binds one address per listener, got " + addresses
                        + " (give one, or one listener per address)");
                continue;
            }
            if (addresses.stream().anyMatch(String::isBlank)) {
                errors.add(at + ".bind_addresses: an address must not be empty");
                continue;
            }
            if (port != null && kind != null) {
                if (!seen.add(kind)) {
                    errors.add(at + ".type: a second " + type + " listener; Myelin serves one of each type");
                    continue;
                }
                // Synapse's default is every interface; IPv4's keeps it working where IPv6 is off
                out.add(new Listener(kind, addresses.isEmpty() ? "0.0.0.0" : addresses.get(0), port));
            }
        }
        return out;
    }

    private Tunables tunables(JsonNode node) {
        Map<String, Object> values = new LinkedHashMap<>();
        Tunables.KEYS.forEach(t -> values.put(t.key(), t.defaultValue()));
        if (node.isMissingNode() || node.isNull() || !object(node, "myelin")) {
            return Tunables.defaults();
        }
        int before = errors.size();
        walk(node, "", values);
        if (errors.size() > before) {
            return Tunables.defaults();
        }
        List<String> problems = Tunables.problems(values);
        if (!problems.isEmpty()) {
            errors.addAll(problems);
            return Tunables.defaults();
        }
        return new Tunables(values);
    }

    /** Walks {@code myelin:}: groups are mappings, leaves are the keys of {@link Tunables#KEYS}. */
    private void walk(JsonNode node, String prefix, Map<String, Object> values) {
        Set<String> groups = new java.util.TreeSet<>();
        Set<String> leaves = new java.util.TreeSet<>();
        for (Tunable t : Tunables.KEYS) {
            if (t.key().startsWith(prefix)) {
                String rest = t.key().substring(prefix.length());
                int dot = rest.indexOf('.');
                (dot < 0 ? leaves : groups).add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        node.fields().forEachRemaining(e -> {
            String key = e.getKey();
            String path = "myelin." + prefix + key;
            if (groups.contains(key)) {
                if (object(e.getValue(), path)) {
                    walk(e.getValue(), prefix + key + ".", values);
                }
            } else if (leaves.contains(key)) {
                Tunable t = Tunables.key(prefix + key);
                Object v = value(t, e.getValue(), path);
                if (v != null) {
                    values.put(t.key(), v);
                }
            } else {
                Set<String> all = new java.util.TreeSet<>(groups);
                all.addAll(leaves);
                errors.add(path + ": unknown key" + hint(key, all));
            }
        });
    }

    private Object value(Tunable t, JsonNode node, String path) {
        switch (t.kind()) {
            case DURATION -> {
                Duration d = duration(node, path);
                if (d != null && d.toMillis() < t.min()) {
                    errors.add(path + ": must be at least " + Values.formatDuration(Duration.ofMillis((long) t.min()))
                            + ", got " + node.asText());
                    return null;
                }
                if (d != null && d.toMillis() > t.max()) {
                    errors.add(path + ": must be at most " + Values.formatDuration(Duration.ofMillis((long) t.max()))
                            + ", got " + node.asText());
                    return null;
                }
                return d;
            }
            case SIZE -> {
                Long s = size(node, path);
                if (s != null && (s < t.min() || s > t.max())) {
                    errors.add(path + ": must be " + (long) t.min() + "-" + (long) t.max() + " bytes, got "
                            + node.asText());
                    return null;
                }
                return s;
            }
            case COUNT -> {
                return integer(node, path, (long) t.min(), (long) t.max());
            }
            case FRACTION -> {
                if (!node.isNumber()) {
                    errors.add(path + ": must be a number, got " + describe(node));
                    return null;
                }
                double d = node.asDouble();
                if (d < t.min() || d > t.max()) {
                    errors.add(path + ": must be " + t.min() + "-" + t.max() + ", got " + node.asText());
                    return null;
                }
                return d;
            }
            case BOOLEAN -> {
                return bool(node, path);
            }
            default -> {
                if (!node.isValueNode()) {
                    errors.add(path + ": must be 1.66 or latest, got " + describe(node));
                    return null;
                }
                try {
                    return Dialect.fromConfigName(node.asText());
                } catch (IllegalArgumentException e) {
                    errors.add(path + ": must be 1.66 or latest, got '" + node.asText() + "'");
                    return null;
                }
            }
        }
    }

    // ---- leaves ----

    private boolean object(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return false;
        }
        if (!node.isObject()) {
            errors.add(path + ": must be a mapping, got " + describe(node));
            return false;
        }
        return true;
    }

    private void keys(JsonNode node, String path, Set<String> known, Set<String> synapseIgnored) {
        if (node.isMissingNode() || !node.isObject()) {
            return;
        }
        node.fieldNames().forEachRemaining(k -> {
            if (synapseIgnored.contains(k)) {
                ignored.add(path + "." + k);
            } else if (!known.contains(k)) {
                errors.add(path + "." + k + ": unknown key" + hint(k, known));
            }
        });
    }

    private String string(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isTextual() || node.isNumber()) {
            return node.asText();
        }
        errors.add(path + ": must be text, got " + describe(node));
        return null;
    }

    /** Text without spaces or control characters: names that go on the wire. */
    private String word(JsonNode node, String path) {
        String s = string(node, path);
        if (s != null && (s.isEmpty() || s.chars().anyMatch(c -> c <= ' '))) {
            errors.add(path + ": must be a non-empty name without spaces, got '" + s + "'");
            return null;
        }
        return s;
    }

    private Integer port(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            errors.add(path + ": must be a port number 1-65535, got " + describe(node));
            return null;
        }
        long p = node.asLong();
        if (p < 1 || p > 65535 || !node.canConvertToLong()) {
            errors.add(path + ": must be 1-65535, got " + node.asText());
            return null;
        }
        return (int) p;
    }

    private Long integer(JsonNode node, String path, long min, long max) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            errors.add(path + ": must be a whole number, got " + describe(node));
            return null;
        }
        long v = node.asLong();
        if (v < min || v > max) {
            errors.add(path + ": must be " + min + "-" + max + ", got " + v);
            return null;
        }
        return v;
    }

    private Boolean bool(JsonNode node, String path) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            errors.add(path + ": must be true or false, got " + describe(node));
            return null;
        }
        return node.asBoolean();
    }

    private Duration duration(JsonNode node, String path) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
            return Duration.ofMillis(node.asLong());
        }
        if (node.isTextual()) {
            try {
                return Values.parseDuration(node.asText());
            } catch (IllegalArgumentException e) {
                errors.add(path + ": " + e.getMessage());
                return null;
            }
        }
        errors.add(path + ": must be a duration (milliseconds, or a number with ms, s, m, h, d or w), got "
                + describe(node));
        return null;
    }

    private Long size(JsonNode node, String path) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
            return node.asLong();
        }
        if (node.isTextual()) {
            try {
                return Values.parseSize(node.asText());
            } catch (IllegalArgumentException e) {
                errors.add(path + ": " + e.getMessage());
                return null;
            }
        }
        errors.add(path + ": must be a size (bytes, or a number with K, M or G), got " + describe(node));
        return null;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "'" + node.asText() + "'";
        }
        return node.asText();
    }

    /** " (did you mean X?)" for a near miss of a known key. */
    private static String hint(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1,
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    static JsonNode missing() {
        return MissingNode.getInstance();
    }
}
