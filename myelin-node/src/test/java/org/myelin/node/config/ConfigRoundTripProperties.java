package org.myelin.node.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.myelin.protocol.Dialect;

/** Any valid configuration, written as YAML and read back, is the same configuration. */
class ConfigRoundTripProperties {
    @Property(tries = 300)
    void anyValidConfigurationSurvivesYaml(@ForAll long seed) {
        Random r = new Random(seed);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Tunable t : Tunables.KEYS) {
            values.put(t.key(), r.nextInt(3) == 0 ? t.defaultValue() : randomValue(t, r));
        }
        Assume.that(Tunables.problems(values).isEmpty());
        List<Listener> listeners = new ArrayList<>();
        for (ListenerType type : ListenerType.values()) {
            if (r.nextBoolean()) {
                listeners.add(new Listener(type, r.nextBoolean() ? "127.0.0.1" : "::", 1 + r.nextInt(65535)));
            }
        }
        Map<String, InstanceLocation> map = new LinkedHashMap<>();
        Map<String, List<String>> writers = new LinkedHashMap<>();
        if (r.nextBoolean()) {
            map.put("main", new InstanceLocation("localhost", 1 + r.nextInt(65535), r.nextBoolean()));
            map.put("writer" + r.nextInt(9), new InstanceLocation("10.0.0." + r.nextInt(255), 8034, false));
            writers.put("events", List.copyOf(map.keySet()));
        }
        DatabaseConfig db = switch (r.nextInt(3)) {
            case 0 -> null;
            case 1 -> new DatabaseConfig.Sqlite(java.nio.file.Path.of("data-" + r.nextInt(100)));
            default -> new DatabaseConfig.Postgres("db" + r.nextInt(9), 1 + r.nextInt(65535), "d b:" + r.nextInt(9),
                    r.nextBoolean() ? null : "u", r.nextBoolean() ? null : "p'\"@: #", r.nextBoolean() ? null : "require");
        };
        RedisConfig redis = r.nextBoolean() ? null : new RedisConfig(r.nextBoolean(), "redis", 1 + r.nextInt(65535),
                r.nextBoolean() ? null : "/run/redis.sock", r.nextInt(16), r.nextBoolean() ? null : "s3:cr et",
                r.nextBoolean());
        MyelinConfig config = new MyelinConfig(r.nextBoolean() ? null : "example.org", r.nextBoolean() ? null : "w-1",
                r.nextBoolean() ? null : "worker.2", map, writers, redis, db, r.nextBoolean() ? null : "x: 'y' #z",
                r.nextBoolean() ? null : new InstanceLocation("main", 9092, false), listeners,
                r.nextBoolean() ? List.of() : List.of(new Listener(ListenerType.HTTP, "0.0.0.0", 8083)),
                new Tunables(values), List.of());
        assertThat(MyelinConfig.parse(config.toYaml())).isEqualTo(config);
    }

    private static Object randomValue(Tunable t, Random r) {
        double span = Math.min(t.max(), 10_000_000) - t.min();
        long n = (long) t.min() + (long) (r.nextDouble() * span);
        return switch (t.kind()) {
            case DURATION -> Duration.ofMillis(r.nextBoolean() ? n : Math.max((long) t.min(), n / 1000 * 1000));
            case SIZE -> r.nextBoolean() ? n : Math.max((long) t.min(), (n >> 10) << 10);
            case COUNT -> n;
            case FRACTION -> r.nextInt(11) / 10.0;
            case BOOLEAN -> r.nextBoolean();
            case DIALECT -> r.nextBoolean() ? Dialect.LATEST : Dialect.SYNAPSE_1_66;
        };
    }
}
