package org.myelin.server.worker;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.List;
import org.myelin.redis.RedisState;
import org.myelin.server.metrics.SynapseMetrics;
import org.myelin.tcp.Link;
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
            CommandRouter router, String serverName) {
        SynapseMetrics.commands(registry, serverName, client != null ? List.of(client.metrics().commands())
                : List.of(redis.metrics().commands()));
        SynapseMetrics.closeReasons(registry, serverName, client != null ? client.metrics()::closeReasons
                : redis.metrics()::reconnectsByCause);
        SynapseMetrics.pendingCommands(registry, serverName, () -> client == null ? List.of()
                : client.link().filter(Link::isOpen).map(List::of).orElse(List.of()));
        SynapseMetrics.totalConnections(registry, serverName, () -> client != null
                ? (client.link().filter(Link::isOpen).isPresent() ? 1 : 0)
                : (redis.state() == RedisState.CONNECTED ? 1 : 0));
        SynapseMetrics.commandQueue(registry, serverName, engine);
        SynapseMetrics.inboundRdata(registry, serverName, engine);
        SynapseMetrics.backgroundProcesses(registry, serverName, engine);
        GaugeWithCallback.builder().name("myelin_received_lag_milliseconds")
                .help("How long ago the oldest position each followed stream's writer announced and this worker has"
                        + " not handled yet was announced (0 when caught up), by writer instance.")
                .labelNames("stream", "instance")
                .callback(cb -> engine.receiver().lagMillis().forEach((stream, byInstance) ->
                        byInstance.forEach((instance, ms) -> cb.call(ms, stream, instance))))
                .register(registry);
        counter("myelin_catch_up_rows", "Rows fetched out of band (catch-up) and handled.",
                () -> engine.receiver().catchUpRows());
        GaugeWithCallback.builder().name("myelin_links_in_catch_up_mode")
                .help("1 when the link to the writer is in catch-up mode on this side (this worker congested).")
                .callback(cb -> cb.call(client != null && client.link().filter(Link::inCatchUpMode).isPresent() ? 1 : 0))
                .register(registry);
        if (client != null) {
            CounterWithCallback.builder().name("myelin_reconnects")
                    .help("Links to the writer that ended (each followed by a reconnect), by cause.")
                    .labelNames("cause")
                    .callback(cb -> client.metrics().closeReasons().forEach((cause, n) -> cb.call(n, cause)))
                    .register(registry);
        }
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
