package org.myelin.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the main's and the worker's {@code /metrics} during a run and finds Synapse's replication
 * metrics under Synapse's names and labels, with values that follow what happened: rows written,
 * a link that closed, and the worker's lag growing while its handler is stopped and going back to 0.
 */
class MetricsEndpointsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String S = "server_name=\"" + OpsCluster.SERVER + "\"";

    @TempDir
    Path data;
    private OpsCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = new OpsCluster(data);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private Map<String, Double> main() throws Exception {
        return OpsCluster.samples(cluster.get(cluster.mainUrl() + "/metrics"));
    }

    private Map<String, Double> worker() throws Exception {
        return OpsCluster.samples(cluster.get(cluster.workerUrl() + "/metrics"));
    }

    @Test
    void theMainExportsSynapsesReplicationMetrics() throws Exception {
        cluster.write(5);
        await().atMost(PATIENCE).until(() -> cluster.rowsHandled.get() == 5);
        Map<String, Double> m = main();
        assertThat(m.get("synapse_replication_tcp_protocol_inbound_commands_total{command=\"REPLICATE\",name=\"w1\","
                + S + "}")).isGreaterThanOrEqualTo(1);
        assertThat(m.get("synapse_replication_tcp_protocol_outbound_commands_total{command=\"RDATA\",name=\"w1\","
                + S + "}")).isEqualTo(5);
        assertThat(m.get("synapse_replication_tcp_protocol_outbound_commands_total{command=\"POSITION\",name=\"w1\","
                + S + "}")).isGreaterThanOrEqualTo(1);
        assertThat(m.get("synapse_replication_tcp_resource_stream_updates_total{" + S + ",stream_name=\"events\"}"))
                .isEqualTo(5);
        assertThat(m.get("synapse_replication_tcp_resource_stream_updates_total{" + S + ",stream_name=\"typing\"}"))
                .isZero();
        assertThat(m.get("synapse_replication_tcp_resource_total_connections{" + S + "}")).isEqualTo(1);
        assertThat(m.get("synapse_replication_tcp_resource_connections_per_stream{" + S + ",stream_name=\"events\"}"))
                .isEqualTo(1);
        assertThat(m.get("synapse_replication_tcp_protocol_pending_commands{name=\"w1\"," + S + "}")).isZero();
        assertThat(m.get("myelin_stream_position{stream=\"events\"}")).isEqualTo(5);
        assertThat(m.get("myelin_links_in_catch_up_mode")).isZero();

        // a client that names itself (its NAME is counted as anon's, as Synapse does: the name comes with it)
        // and hangs up cleanly: a close by the peer, counted by reason
        try (Socket socket = new Socket("127.0.0.1", cluster.main.tcpPort())) {
            OutputStream out = socket.getOutputStream();
            out.write("NAME probe\nPING 1\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(PATIENCE).until(() -> main().getOrDefault(
                    "synapse_replication_tcp_protocol_inbound_commands_total{command=\"PING\",name=\"probe\"," + S + "}",
                    0.0) == 1);
            // half-close and read what the server sent: closing with unread data would reset the connection
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        }
        await().atMost(PATIENCE).until(() -> main().getOrDefault(
                "synapse_replication_tcp_protocol_close_reason_total{reason_type=\"peer_closed\"," + S + "}", 0.0) == 1);
        assertThat(main().get("synapse_replication_tcp_resource_total_connections{" + S + "}")).isEqualTo(1);
    }

    @Test
    void theWorkerExportsSynapsesMetricsAndItsLagMovesWhileItIsPaused() throws Exception {
        cluster.write(2);
        await().atMost(PATIENCE).until(() -> cluster.rowsHandled.get() == 2);
        Map<String, Double> w = worker();
        assertThat(w.get("synapse_replication_tcp_protocol_inbound_commands_total{command=\"RDATA\",name=\""
                + OpsCluster.SERVER + "\"," + S + "}")).isEqualTo(2);
        assertThat(w.entrySet()).anySatisfy(e -> {
            assertThat(e.getKey()).startsWith("synapse_replication_tcp_protocol_outbound_commands_total{command=\"REPLICATE\"");
            assertThat(e.getValue()).isEqualTo(1);
        });
        assertThat(w.get("synapse_replication_tcp_resource_total_connections{" + S + "}")).isEqualTo(1);
        assertThat(w.get("synapse_replication_tcp_command_queue{" + S + ",stream_name=\"events\"}")).isZero();
        assertThat(w.get("synapse_replication_tcp_protocol_inbound_rdata_count_total{" + S + ",stream_name=\"events\"}"))
                .isEqualTo(2);
        assertThat(w.get("synapse_background_process_start_count_total{name=\"replication-stream-events\"," + S + "}"))
                .isGreaterThanOrEqualTo(1);
        // CPU time of the background tasks, split into user and system time by the pool's ratio
        for (String ru : List.of("utime", "stime")) {
            String name = "synapse_background_process_ru_" + ru + "_seconds_total{";
            assertThat(w.keySet()).as(name).anyMatch(k -> k.startsWith(name) && k.contains(S));
            assertThat(w.entrySet().stream().filter(e -> e.getKey().startsWith(name))
                    .mapToDouble(Map.Entry::getValue).sum()).as(name).isPositive();
        }
        assertThat(w.get("myelin_received_token{instance=\"master\",stream=\"events\"}")).isEqualTo(2);
        assertThat(w.get("myelin_received_lag_tokens{instance=\"master\",stream=\"events\"}")).isZero();
        assertThat(w.get("myelin_received_lag_milliseconds{instance=\"master\",stream=\"events\"}")).isZero();

        cluster.pauseWorker();
        cluster.write(5);
        String lagTokens = "myelin_received_lag_tokens{instance=\"master\",stream=\"events\"}";
        String lagMs = "myelin_received_lag_milliseconds{instance=\"master\",stream=\"events\"}";
        String queue = "synapse_replication_tcp_command_queue{" + S + ",stream_name=\"events\"}";
        await().atMost(PATIENCE).until(() -> worker().get(lagTokens) == 5 && worker().get(queue) >= 1);
        double first = worker().get(lagMs);
        await().atMost(PATIENCE).until(() -> worker().get(lagMs) >= first + 300);
        assertThat(worker().get(lagTokens)).isEqualTo(5);

        cluster.resumeWorker();
        await().atMost(PATIENCE).until(() -> worker().get(lagTokens) == 0 && worker().get(lagMs) == 0
                && worker().get(queue) == 0);
        assertThat(cluster.rowsHandled.get()).isEqualTo(7);
    }
}
