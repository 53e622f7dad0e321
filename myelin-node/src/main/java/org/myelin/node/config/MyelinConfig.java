package org.myelin.node.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Myelin configuration file: Synapse's keys where the concept is the same, and a {@code myelin:}
 * section for the rest. Read with {@link #load(Path)} or {@link #parse(String)}; every value is
 * checked, and all the problems are reported at once ({@link ConfigException}). A key absent from the
 * file is null (or empty) here, so that the program's own default applies; the {@code myelin:}
 * section is always complete ({@link Tunables#defaults()} for what the file leaves out).
 *
 * @param serverName {@code server_name}: the server (and Redis channel) name
 * @param instanceName {@code instance_name}: a writer's instance name (Synapse's main is {@code master})
 * @param workerName {@code worker_name}: a worker's instance name
 * @param instanceMap {@code instance_map}: where each instance's HTTP listener is (catch-up per writer;
 *     Synapse's entry {@code main} is instance {@code master})
 * @param streamWriters {@code stream_writers}: the instances writing each stream
 * @param redis {@code redis}: the Redis bus, or null when absent
 * @param database {@code database}: the store, or null when absent
 * @param replicationSecret {@code worker_replication_secret}, or null
 * @param replicationEndpoint {@code worker_replication_host} and {@code worker_replication_port}: where a
 *     worker connects for TCP replication, or null
 * @param listeners {@code listeners}: what {@code myelin main} listens on
 * @param workerListeners {@code worker_listeners}: what {@code myelin worker} listens on
 * @param myelin the {@code myelin:} section
 * @param ignoredKeys the paths of genuine Synapse keys Myelin has no use for, accepted and ignored
 */
public record MyelinConfig(String serverName, String instanceName, String workerName,
        Map<String, InstanceLocation> instanceMap, Map<String, List<String>> streamWriters, RedisConfig redis,
        DatabaseConfig database, String replicationSecret, InstanceLocation replicationEndpoint,
        List<Listener> listeners, List<Listener> workerListeners, Tunables myelin, List<String> ignoredKeys) {
    private static final Logger log = LoggerFactory.getLogger(MyelinConfig.class);

    /** Synapse's name in {@code instance_map} for the main process, whose instance name is {@code master}. */
    public static final String MAIN_MAP_NAME = "main";
    /** The main process's instance name. */
    public static final String MAIN_INSTANCE = "master";

    /** Copies the collections. */
    public MyelinConfig {
        instanceMap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(instanceMap));
        Map<String, List<String>> writers = new LinkedHashMap<>();
        streamWriters.forEach((k, v) -> writers.put(k, List.copyOf(v)));
        streamWriters = java.util.Collections.unmodifiableMap(writers);
        listeners = List.copyOf(listeners);
        workerListeners = List.copyOf(workerListeners);
        Objects.requireNonNull(myelin, "myelin");
        ignoredKeys = List.copyOf(ignoredKeys);
    }

    /** Nothing set: every program default applies. */
    public static MyelinConfig empty() {
        return new MyelinConfig(null, null, null, Map.of(), Map.of(), null, null, null, null, List.of(), List.of(),
                Tunables.defaults(), List.of());
    }

    /**
     * Reads and checks a file, logging at INFO each Synapse key it ignores.
     *
     * @throws ConfigException with every problem found (a missing or unreadable file is one)
     */
    public static MyelinConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(file + ": no such file"));
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        MyelinConfig config = parse(text, file.toAbsolutePath().getParent());
        for (String key : config.ignoredKeys()) {
            log.info("config {}: ignoring Synapse key {} (Myelin has no use for it)", file, key);
        }
        return config;
    }

    /**
     * Reads and checks YAML text; relative paths in it are taken as they are.
     *
     * @throws ConfigException with every problem found
     */
    public static MyelinConfig parse(String yaml) {
        return parse(yaml, null);
    }

    /**
     * Reads and checks YAML text, resolving relative files it names ({@code redis.password_path})
     * against {@code base} when not null.
     *
     * @throws ConfigException with every problem found
     */
    public static MyelinConfig parse(String yaml, Path base) {
        return new ConfigParser(base).parse(yaml);
    }

    /** A commented example that works as it is ({@code myelin config example}). */
    public static String example() {
        try (InputStream in = MyelinConfig.class.getResourceAsStream("example.yaml")) {
            return new String(Objects.requireNonNull(in, "example.yaml").readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the example configuration is missing from the jar", e);
        }
    }

    /** These settings as YAML that {@link #parse(String)} reads back equal (the password and secret included). */
    public String toYaml() {
        return ConfigYaml.write(this, false);
    }

    /** A summary for people: as {@link #toYaml()}, with passwords and the secret hidden. */
    public String summary() {
        return ConfigYaml.write(this, true);
    }

    /** The first listener of this type in {@code list}. */
    public static Optional<Listener> listener(List<Listener> list, ListenerType type) {
        return list.stream().filter(l -> l.type() == type).findFirst();
    }

    /**
     * The HTTP catch-up source of each instance of {@code instance_map}: {@code INSTANCE=URL}, as
     * {@code --catch-up-url} takes them ({@code main} is named {@code master}).
     */
    public List<String> catchUpUrls() {
        return instanceMap.entrySet().stream()
                .map(e -> (e.getKey().equals(MAIN_MAP_NAME) ? MAIN_INSTANCE : e.getKey()) + "=" + e.getValue().url())
                .toList();
    }

    @Override
    public String toString() {
        return "MyelinConfig[" + summary().replace('\n', ' ') + "]";
    }
}
