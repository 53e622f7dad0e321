package org.myelin.server.main;

import org.myelin.store.writer.StreamWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Supplier;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.http.api.Endpoints;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpServer;
import org.myelin.http.server.HttpServerStats;
import org.myelin.http.server.HttpSettings;
import org.myelin.server.cli.HostPort;

/**
 * The main process's HTTP API, on the library's Netty {@link HttpServer}:
 * <ul>
 *   <li>{@code POST /_myelin/v1/streams/{stream}}: {@link AppendRowsEndpoint} over {@link StreamWriter#append}.
 *   <li>{@code GET /_myelin/v1/status}: streams, positions, connected links, task counters.
 *   <li>{@code GET /_myelin/v1/presence/{user_id}}: a user's presence and the instances syncing them.
 *   <li>{@code GET /}: the live dashboard page ({@link org.myelin.server.dashboard.Dashboard}).
 *   <li>{@code GET /metrics}: the same and more for Prometheus (text format), JVM metrics included.
 *   <li>With a replication secret, Synapse's catch-up endpoint {@link StreamUpdatesHandler#ROUTE} for
 *       workers that cannot read the data directory.
 * </ul>
 */
final class HttpApi implements AutoCloseable {
    private final HttpServer server;

    HttpApi(HostPort listen, HttpSettings settings, StreamWriter streams, Supplier<ObjectNode> status,
            MainMetrics metrics, String replicationSecret, HttpEndpoint presence, String instance,
            int maxRowsPerAppend, int catchUpRowsPerAnswer, int catchUpMaxRowsPerAnswer) throws IOException {
        HttpServer.Builder routes = HttpServer.builder().name("main").settings(settings)
                .post(AppendRowsEndpoint.ROUTE, new AppendRowsEndpoint(streams::append, maxRowsPerAppend))
                .get("/_myelin/v1/status", Endpoints.json(status))
                .get("/_myelin/v1/presence/{user_id}", presence)
                .get("/metrics", metricsEndpoint(metrics));
        for (org.myelin.http.endpoints.Route route : org.myelin.server.dashboard.Dashboard.routes()) {
            routes.route(route.method(), route.path(), route.endpoint());
        }
        if (replicationSecret != null) {
            routes.get(StreamUpdatesHandler.ROUTE,
                    new StreamUpdatesHandler(streams::updates, instance, replicationSecret, catchUpRowsPerAnswer,
                            catchUpMaxRowsPerAnswer));
        }
        this.server = routes.bind(listen.host(), listen.port());
    }

    /** {@code GET /metrics}: the registry in Prometheus's text format (also the metrics-only listener's). */
    static HttpEndpoint metricsEndpoint(MainMetrics metrics) {
        return Endpoints.bytes(MainMetrics.CONTENT_TYPE, () -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            metrics.write(body);
            return body.toByteArray();
        });
    }

    /** The bound port (useful when listening on port 0). */
    int port() {
        return server.port();
    }

    /** The server's counters. */
    HttpServerStats stats() {
        return server.stats();
    }

    @Override
    public void close() {
        server.close();
    }
}
