package org.myelin.server.worker;

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
import org.myelin.redis.RedisTransport;
import org.myelin.server.metrics.SharedMetrics;
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
        GaugeWithCallback.builder().name("myelin_received_lag_tokens")
                .help("Tokens each followed stream is behind its writer's announced position, by writer instance.")
                .labelNames("stream", "instance")
                .callback(cb -> engine.receiver().lag().forEach((stream, byInstance) ->
                        byInstance.forEach((instance, lag) -> cb.call(lag, stream, instance))))
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
            SharedMetrics.redis(registry, redis);
        }
        SharedMetrics.tasks(registry, engine);
        PresenceMetrics.registerWorker(registry, users, router);
        JvmMetrics.builder().register(registry);
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private void counter(String name, String help, LongSupplier value) {
        SharedMetrics.counter(registry, name, help, value);
    }

    private void tcpCounter(TcpMetrics tcp, String name, String help, ToLongFunction<TcpMetrics> value) {
        counter(name, help, () -> value.applyAsLong(tcp));
    }
}
