package org.myelin.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import org.myelin.core.ReplicationEngine;
import org.myelin.redis.RedisMetrics;
import org.myelin.redis.RedisState;
import org.myelin.redis.RedisTransport;

/**
 * The metrics the main process and a worker both export, registered the same way on each so that a
 * dashboard reads them alike. Callback metrics: values are read at scrape time, nothing on the hot
 * path is touched.
 */
public final class SharedMetrics {
    private SharedMetrics() {}

    /** A counter read from {@code value} at scrape time. */
    public static void counter(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    /** {@code myelin_tasks_started/failed/running/seconds{task}}: the engine's background tasks by name. */
    public static void tasks(PrometheusRegistry registry, ReplicationEngine engine) {
        CounterWithCallback.builder().name("myelin_tasks_started").help("Background tasks started, by name.")
                .labelNames("task")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.started(), name)))
                .register(registry);
        CounterWithCallback.builder().name("myelin_tasks_failed").help("Background tasks that failed, by name.")
                .labelNames("task")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.failed(), name)))
                .register(registry);
        GaugeWithCallback.builder().name("myelin_tasks_running").help("Background tasks running now, by name.")
                .labelNames("task")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.running(), name)))
                .register(registry);
        CounterWithCallback.builder().name("myelin_task_seconds").help("Time spent in finished tasks, by name.")
                .labelNames("task")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.totalNanos() / 1e9, name)))
                .register(registry);
    }

    /** {@code myelin_redis_*}: the Redis link's state and counters. */
    public static void redis(PrometheusRegistry registry, RedisTransport redis) {
        GaugeWithCallback.builder().name("myelin_redis_connected")
                .help("1 when the Redis link is subscribed and publishing, else 0.")
                .callback(cb -> cb.call(redis.state() == RedisState.CONNECTED ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("myelin_redis_publish_queue").help("Commands waiting to be published.")
                .callback(cb -> cb.call(redis.publishQueue())).register(registry);
        RedisMetrics m = redis.metrics();
        counter(registry, "myelin_redis_links_opened", "Redis subscriptions confirmed (each a new link).",
                m::linksOpened);
        CounterWithCallback.builder().name("myelin_redis_reconnects")
                .help("Redis sessions that failed or were lost, by cause.")
                .labelNames("cause")
                .callback(cb -> m.reconnectsByCause().forEach((cause, n) -> cb.call(n, cause)))
                .register(registry);
        counter(registry, "myelin_redis_published", "Commands published on Redis.", m::published);
        counter(registry, "myelin_redis_publish_failures", "PUBLISHes that failed.", m::publishFailures);
        counter(registry, "myelin_redis_received", "Commands received from Redis (echoes included).", m::received);
        counter(registry, "myelin_redis_parse_failures", "Messages on the channel that were not a command (skipped).",
                m::parseFailures);
        counter(registry, "myelin_redis_dropped", "Non-stream commands that could not be published.", m::dropped);
        counter(registry, "myelin_redis_stream_commands_discarded",
                "RDATA/POSITION not published or not handled, covered by a later POSITION.",
                m::streamCommandsDiscarded);
    }
}
