package org.myelin.server.worker;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.command.CommandRouter;
import org.myelin.core.presence.SyncingUsers;
import org.myelin.server.presence.PresenceMetrics;
import org.myelin.redis.RedisMetrics;
import org.myelin.redis.RedisState;
import org.myelin.redis.RedisTransport;
import org.myelin.tcp.TcpClient;
import org.myelin.tcp.TcpMetrics;

/**
 * A worker's Prometheus metrics, read from the engine's, link's and presence registry's own counters
 * at scrape time: what it follows and how far it got, its link, its background tasks.
 */
final class WorkerMetrics {
    /** The content type of the text exposition format. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** @param client the TCP link's client, or null on Redis; @param redis the Redis link, or null on TCP */
    WorkerMetrics(ReplicationEngine engine, TcpClient client, RedisTransport redis, SyncingUsers users,
            CommandRouter router) {
        GaugeWithCallback.builder().name("myelin_received_token")
                .help("Last token handled of each followed stream, by writer instance.")
                .labelNames("stream", "instance")
                .callback(cb -> engine.receivedTokens().forEach((stream, byInstance) ->
                        byInstance.forEach((instance, token) -> cb.call(token, stream, instance))))
                .register(registry);
        counter("myelin_receiver_rows_delivered", "Rows handed to the handler.",
                () -> engine.receiver().rowsDelivered());
        counter("myelin_receiver_rdata_dropped", "RDATA dropped (fetched out of band instead).",
                () -> engine.receiver().rdataDropped());
        counter("myelin_receiver_catch_ups", "Catch-ups run out of band.", () -> engine.receiver().catchUps());
        counter("myelin_receiver_pauses", "Times reading from the link paused for backpressure.",
                () -> engine.receiver().pauses());
        if (client != null) {
            GaugeWithCallback.builder().name("myelin_links_open").help("Replication links open now (0 or 1).")
                    .callback(cb -> cb.call(client.link().filter(l -> l.isOpen()).isPresent() ? 1 : 0))
                    .register(registry);
            TcpMetrics tcp = client.metrics();
            tcpCounter(tcp, "myelin_links_opened", "Replication links opened.", TcpMetrics::linksOpened);
            tcpCounter(tcp, "myelin_commands_received", "Commands received.", TcpMetrics::commandsReceived);
            tcpCounter(tcp, "myelin_commands_sent", "Commands written.", TcpMetrics::commandsSent);
            tcpCounter(tcp, "myelin_errors_received", "ERROR commands received.", TcpMetrics::errorsReceived);
            tcpCounter(tcp, "myelin_ping_timeouts", "Links closed for silence after a PING.", TcpMetrics::pingTimeouts);
            counter("myelin_connect_attempts", "Connection attempts to the writer.", client::attempts);
        }
        if (redis != null) {
            GaugeWithCallback.builder().name("myelin_redis_connected")
                    .help("1 when the Redis link is subscribed and publishing, else 0.")
                    .callback(cb -> cb.call(redis.state() == RedisState.CONNECTED ? 1 : 0)).register(registry);
            RedisMetrics m = redis.metrics();
            counter("myelin_redis_links_opened", "Redis subscriptions confirmed (each a new link).", m::linksOpened);
            counter("myelin_redis_published", "Commands published on Redis.", m::published);
            counter("myelin_redis_received", "Commands received from Redis (echoes included).", m::received);
            counter("myelin_redis_parse_failures", "Messages on the channel that were not a command (skipped).",
                    m::parseFailures);
            counter("myelin_redis_dropped", "Non-stream commands that could not be published.", m::dropped);
        }

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
        PresenceMetrics.registerWorker(registry, users, router);
        JvmMetrics.builder().register(registry);
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private void counter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    private void tcpCounter(TcpMetrics tcp, String name, String help, ToLongFunction<TcpMetrics> value) {
        counter(name, help, () -> value.applyAsLong(tcp));
    }
}
