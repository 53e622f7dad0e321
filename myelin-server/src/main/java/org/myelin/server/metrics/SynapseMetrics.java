package org.myelin.server.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.metrics.CommandCounts;
import org.myelin.tcp.Link;

/**
 * The metrics Synapse exports about replication, under Synapse's names, types and labels, so that
 * Synapse's Grafana dashboard ({@code contrib/grafana/synapse.json}) shows a Myelin process beside
 * Synapse's own. Every one carries Synapse's {@code server_name} label too. Values are read from the
 * transports' and engine's counters at scrape time.
 */
public final class SynapseMetrics {
    private SynapseMetrics() {}

    /**
     * {@code synapse_replication_tcp_protocol_inbound_commands_total} and {@code ..._outbound_commands_total}
     * {@code {command, name, server_name}}: commands by wire name and the name of the process at the other
     * end ({@code redis} on the Redis bus), from every source given.
     */
    public static void commands(PrometheusRegistry registry, String serverName, List<CommandCounts> sources) {
        for (boolean inbound : new boolean[] {true, false}) {
            CounterWithCallback.builder()
                    .name("synapse_replication_tcp_protocol_" + (inbound ? "inbound" : "outbound") + "_commands")
                    .help("Number of commands " + (inbound ? "received from" : "sent to")
                            + " replication, by command and name of process connected to")
                    .labelNames("command", "name", "server_name")
                    .callback(cb -> {
                        // two sources may count the same (command, name): one sample each
                        Map<List<String>, Long> sums = new java.util.HashMap<>();
                        for (CommandCounts source : sources) {
                            source.forEach((in, command, name, count) -> {
                                if (in == inbound) {
                                    sums.merge(List.of(command, name), count, Long::sum);
                                }
                            });
                        }
                        sums.forEach((k, n) -> cb.call(n, k.get(0), k.get(1), serverName));
                    })
                    .register(registry);
        }
    }

    /**
     * {@code synapse_replication_tcp_protocol_close_reason_total{reason_type, server_name}}: links
     * closed, by why (Myelin's labels: {@code peer_closed}, {@code ping_timeout}, ...).
     */
    public static void closeReasons(PrometheusRegistry registry, String serverName,
            Supplier<Map<String, Long>> reasons) {
        CounterWithCallback.builder().name("synapse_replication_tcp_protocol_close_reason")
                .help("Replication connections closed, by reason")
                .labelNames("reason_type", "server_name")
                .callback(cb -> reasons.get().forEach((reason, n) -> cb.call(n, reason, serverName)))
                .register(registry);
    }

    /**
     * {@code synapse_replication_tcp_protocol_pending_commands{name, server_name}}: commands queued per
     * open link, waiting for its socket to drain.
     */
    public static void pendingCommands(PrometheusRegistry registry, String serverName,
            Supplier<List<Link>> links) {
        GaugeWithCallback.builder().name("synapse_replication_tcp_protocol_pending_commands")
                .help("Commands queued for each replication connection, waiting for its socket")
                .labelNames("name", "server_name")
                .callback(cb -> {
                    Map<String, Long> byName = new java.util.TreeMap<>();
                    for (Link link : links.get()) {
                        byName.merge(link.name(), (long) link.pendingCommands(), Long::sum);
                    }
                    byName.forEach((name, n) -> cb.call(n, name, serverName));
                })
                .register(registry);
    }

    /** {@code synapse_replication_tcp_resource_total_connections{server_name}}: replication links open now. */
    public static void totalConnections(PrometheusRegistry registry, String serverName, LongSupplier open) {
        GaugeWithCallback.builder().name("synapse_replication_tcp_resource_total_connections")
                .help("Replication connections open now")
                .labelNames("server_name")
                .callback(cb -> cb.call(open.getAsLong(), serverName))
                .register(registry);
    }

    /**
     * {@code synapse_replication_tcp_resource_stream_updates_total{stream_name, server_name}}: rows this
     * writer streamed, by stream.
     */
    public static void streamUpdates(PrometheusRegistry registry, String serverName, ReplicationEngine engine) {
        CounterWithCallback.builder().name("synapse_replication_tcp_resource_stream_updates")
                .help("Updates (rows) sent as RDATA, by stream")
                .labelNames("stream_name", "server_name")
                .callback(cb -> engine.streamer().updatesByStream()
                        .forEach((stream, n) -> cb.call(n, stream, serverName)))
                .register(registry);
    }

    /**
     * {@code synapse_replication_tcp_command_queue{stream_name, server_name}}: inbound RDATA/POSITION
     * waiting to be handled, by stream.
     */
    public static void commandQueue(PrometheusRegistry registry, String serverName, ReplicationEngine engine) {
        GaugeWithCallback.builder().name("synapse_replication_tcp_command_queue")
                .help("Number of inbound RDATA/POSITION commands queued for processing")
                .labelNames("stream_name", "server_name")
                .callback(cb -> engine.receiver().queuedByStream()
                        .forEach((stream, n) -> cb.call(n, stream, serverName)))
                .register(registry);
    }

    /**
     * {@code synapse_replication_tcp_protocol_inbound_rdata_count_total{stream_name, server_name}}: RDATA
     * received by stream, this process's own echoes not included.
     */
    public static void inboundRdata(PrometheusRegistry registry, String serverName, ReplicationEngine engine) {
        CounterWithCallback.builder().name("synapse_replication_tcp_protocol_inbound_rdata_count")
                .help("RDATA commands received, by stream (echoes excluded)")
                .labelNames("stream_name", "server_name")
                .callback(cb -> engine.receiver().rdataReceivedByStream()
                        .forEach((stream, n) -> cb.call(n, stream, serverName)))
                .register(registry);
    }

    /**
     * {@code synapse_replication_tcp_resource_connections_per_stream{stream_name, server_name}}: links open
     * now that receive each stream this writer streams (every link: a {@code REPLICATE} subscribes to all).
     */
    public static void connectionsPerStream(PrometheusRegistry registry, String serverName, ReplicationEngine engine,
            LongSupplier open) {
        GaugeWithCallback.builder().name("synapse_replication_tcp_resource_connections_per_stream")
                .help("Replication connections receiving each stream")
                .labelNames("stream_name", "server_name")
                .callback(cb -> {
                    long links = open.getAsLong();
                    engine.streamer().updatesByStream().keySet().forEach(stream -> cb.call(links, stream, serverName));
                })
                .register(registry);
    }

    /**
     * {@code synapse_background_process_start_count_total} and
     * {@code synapse_background_process_in_flight_count{name, server_name}}: the engine's background tasks
     * by name, as Synapse counts its background processes; {@code synapse_background_process_ru_utime_seconds_total}
     * and {@code ..._ru_stime_seconds_total}: their CPU time, split into user and system by the pool's ratio.
     */
    public static void backgroundProcesses(PrometheusRegistry registry, String serverName, ReplicationEngine engine) {
        CounterWithCallback.builder().name("synapse_background_process_start_count")
                .help("Number of background processes started")
                .labelNames("name", "server_name")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.started(), name, serverName)))
                .register(registry);
        GaugeWithCallback.builder().name("synapse_background_process_in_flight_count")
                .help("Number of background processes in flight")
                .labelNames("name", "server_name")
                .callback(cb -> engine.taskStats().forEach((name, s) -> cb.call(s.running(), name, serverName)))
                .register(registry);
        // Each task's CPU total is measured (thread CPU clock at start and end); reading user time per
        // task would cost 10-20 us, so the total is split by the pool's user/system ratio per scrape.
        CounterWithCallback.builder().name("synapse_background_process_ru_utime_seconds")
                .help("User CPU time used by background processes, in seconds (each name's measured CPU time "
                        + "split by the user/system ratio of its thread pool, or of the process while the pool is young)")
                .labelNames("name", "server_name")
                .callback(cb -> engine.taskCpuTimes().forEach((name, t) -> cb.call(t.userNanos() / 1e9, name, serverName)))
                .register(registry);
        CounterWithCallback.builder().name("synapse_background_process_ru_stime_seconds")
                .help("System CPU time used by background processes, in seconds (each name's measured CPU time "
                        + "split by the user/system ratio of its thread pool, or of the process while the pool is young)")
                .labelNames("name", "server_name")
                .callback(cb -> engine.taskCpuTimes().forEach((name, t) -> cb.call(t.systemNanos() / 1e9, name, serverName)))
                .register(registry);
    }
}
