package org.myelin.server.main;

import org.myelin.store.writer.StreamWriter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import org.myelin.core.ReplicationEngine;
import org.myelin.redis.RedisTransport;
import org.myelin.server.metrics.SharedMetrics;
import org.myelin.server.metrics.SynapseMetrics;
import org.myelin.tcp.TcpMetrics;

/**
 * The main process's Prometheus metrics, read from the engine's, links' and streams' own counters
 * at scrape time (callback metrics: nothing on the hot path is touched to keep them).
 */
final class MainMetrics {
    /** The content type of the text exposition format. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /** Where commands are counted: the TCP server's, and the Redis link's once added. */
    private final java.util.List<org.myelin.core.metrics.CommandCounts> commandSources =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile RedisTransport redis;

    MainMetrics(ReplicationEngine engine, TcpMetrics tcp, java.util.function.Supplier<java.util.List<org.myelin.tcp.Link>> links,
            StreamWriter streams, String serverName) {
        commandSources.add(tcp.commands());
        SynapseMetrics.commands(registry, serverName, commandSources);
        SynapseMetrics.closeReasons(registry, serverName, tcp::closeReasons);
        SynapseMetrics.pendingCommands(registry, serverName, links);
        SynapseMetrics.totalConnections(registry, serverName, () -> tcp.openLinks()
                + (redis != null && redis.state() == org.myelin.redis.RedisState.CONNECTED ? 1 : 0));
        SynapseMetrics.streamUpdates(registry, serverName, engine);
        SynapseMetrics.connectionsPerStream(registry, serverName, engine, () -> tcp.openLinks()
                + (redis != null && redis.state() == org.myelin.redis.RedisState.CONNECTED ? 1 : 0));
        SynapseMetrics.backgroundProcesses(registry, serverName, engine);
        GaugeWithCallback.builder().name("myelin_links_in_catch_up_mode")
                .help("Replication links in catch-up mode now (peer not keeping up: RDATA dropped, POSITION later).")
                .callback(cb -> cb.call(links.get().stream().filter(org.myelin.tcp.Link::inCatchUpMode).count()))
                .register(registry);

        GaugeWithCallback.builder().name("myelin_stream_position")
                .help("Current token of each stream this process writes.")
                .labelNames("stream")
                .callback(cb -> streams.positions().forEach((stream, token) -> cb.call(token, stream)))
                .register(registry);

        counter("myelin_streamer_rdata_sent", "RDATA lines streamed (once per line, whatever the number of links).",
                c -> c.accept(engine.streamer().rdataSent()));
        counter("myelin_streamer_positions_sent", "POSITION lines sent.",
                c -> c.accept(engine.streamer().positionsSent()));
        counter("myelin_streamer_oversized_rows",
                "Rows too long for a line, announced by POSITION for readers to fetch out of band.",
                c -> c.accept(engine.streamer().oversizedRows()));

        GaugeWithCallback.builder().name("myelin_links_open").help("Replication links open now.")
                .callback(cb -> cb.call(tcp.openLinks())).register(registry);
        tcpCounter(tcp, "myelin_links_opened", "Replication links opened.", TcpMetrics::linksOpened);
        tcpCounter(tcp, "myelin_commands_received", "Commands received on all links.", TcpMetrics::commandsReceived);
        tcpCounter(tcp, "myelin_commands_sent", "Commands written to links.", TcpMetrics::commandsSent);
        tcpCounter(tcp, "myelin_sent_bytes", "Bytes written to links.", TcpMetrics::bytesSent);
        tcpCounter(tcp, "myelin_errors_sent", "ERROR commands sent to peers.", TcpMetrics::errorsSent);
        tcpCounter(tcp, "myelin_errors_received", "ERROR commands received from peers.", TcpMetrics::errorsReceived);
        tcpCounter(tcp, "myelin_parse_failures", "Lines from peers that did not parse.", TcpMetrics::parseFailures);
        tcpCounter(tcp, "myelin_invalid_commands", "Commands a peer's side may not send.",
                TcpMetrics::invalidCommands);
        tcpCounter(tcp, "myelin_lines_too_long", "Lines from peers over the line limit.",
                TcpMetrics::linesTooLongReceived);
        tcpCounter(tcp, "myelin_catch_up_mode_entered", "Times a congested link switched to catch-up mode.",
                TcpMetrics::catchUpEntered);
        tcpCounter(tcp, "myelin_rdata_discarded", "RDATA discarded on links in catch-up mode.",
                TcpMetrics::rdataDiscarded);
        tcpCounter(tcp, "myelin_ping_timeouts", "Links closed for silence after a PING.", TcpMetrics::pingTimeouts);
        tcpCounter(tcp, "myelin_unwritable_closes", "Links closed for staying unwritable too long.",
                TcpMetrics::unwritableCloses);
        tcpCounter(tcp, "myelin_positions_coalesced", "Queued POSITIONs replaced by a newer one of their stream.",
                TcpMetrics::positionsCoalesced);
        tcpCounter(tcp, "myelin_queue_overflows", "Links closed with ERROR Failed to keep up.",
                TcpMetrics::queueOverflows);
        tcpCounter(tcp, "myelin_handshake_timeouts", "Connections closed for not sending NAME or REPLICATE in time.",
                TcpMetrics::handshakeTimeouts);
        tcpCounter(tcp, "myelin_connections_refused", "Connections refused over the connection cap.",
                TcpMetrics::connectionsRefused);

        SharedMetrics.tasks(registry, engine);

        JvmMetrics.builder().register(registry);
    }

    /** The registry, for more metrics (presence). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** Adds the Redis link's state and counters ({@code myelin_redis_*}). */
    void addRedis(RedisTransport redis) {
        this.redis = redis;
        commandSources.add(redis.metrics().commands());
        SharedMetrics.redis(registry, redis);
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private void counter(String name, String help, Consumer<LongConsumer> value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> value.accept(v -> cb.call(v)))
                .register(registry);
    }

    private void tcpCounter(TcpMetrics tcp, String name, String help, ToLongFunction<TcpMetrics> value) {
        counter(name, help, c -> c.accept(value.applyAsLong(tcp)));
    }

}
