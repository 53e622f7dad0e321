package org.myelin.server.main;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main process's HTTP API:
 * <ul>
 *   <li>{@code POST /_myelin/v1/streams/{stream}} with a JSON array of rows (each gets its own
 *       token) or {@code {"rows":[...],"same_token":true}} (all share one); answers the tokens.
 *   <li>{@code GET /_myelin/v1/status}: streams, positions, connected links, task counters.
 *   <li>{@code GET /metrics}: the same and more for Prometheus (text format), JVM metrics included.
 *   <li>With a replication secret, Synapse's catch-up endpoint
 *       {@code GET /_synapse/replication/get_repl_stream_updates/<stream>/<txn_id>} for workers that
 *       cannot read the data directory.
 * </ul>
 * Bodies are capped ({@value #MAX_BODY_BYTES} bytes); errors are JSON {@code {"error": "..."}}.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    private static final String STREAMS = "/_myelin/v1/streams/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final WriterStreams streams;
    private final Supplier<ObjectNode> status;
    private final MainMetrics metrics;

    HttpApi(HostPort listen, WriterStreams streams, Supplier<ObjectNode> status, MainMetrics metrics,
            String replicationSecret) throws IOException {
        this.streams = streams;
        this.status = status;
        this.metrics = metrics;
        try {
            this.server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 64);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + listen + " for HTTP: " + e.getMessage(), e);
        }
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "http-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(STREAMS, this::streams);
        server.createContext("/_myelin/v1/status", this::status);
        server.createContext("/metrics", this::metrics);
        if (replicationSecret != null) {
            server.createContext(StreamUpdatesHandler.PATH,
                    new StreamUpdatesHandler(streams::updates, MainProcess.INSTANCE, replicationSecret));
        }
        server.createContext("/", e -> reply(e, 404, error("no such endpoint: " + e.getRequestURI().getPath())));
        server.start();
    }

    /** The bound port (useful when listening on port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    private void streams(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                reply(exchange, 405, error("use POST to append rows"));
                return;
            }
            String stream = exchange.getRequestURI().getPath().substring(STREAMS.length());
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                reply(exchange, 413, error("body over " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            Rows rows;
            try {
                rows = Rows.parse(new String(body, StandardCharsets.UTF_8));
            } catch (ProtocolException | IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
                return;
            }
            List<Long> tokens;
            try {
                tokens = streams.append(stream, rows.rows(), rows.sameToken());
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
                return;
            } catch (StoreException e) {
                log.error("append to stream {} failed", stream, e);
                reply(exchange, 503, error("store unavailable: " + e.getMessage()));
                return;
            }
            ObjectNode answer = Json.mapper().createObjectNode().put("stream", stream);
            ArrayNode list = answer.putArray("tokens");
            tokens.forEach(list::add);
            reply(exchange, 200, answer);
        } catch (RuntimeException e) {
            log.error("request failed", e);
        }
    }

    private void status(HttpExchange exchange) throws IOException {
        try (exchange) {
            reply(exchange, 200, status.get());
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
            metrics.write(body);
            exchange.getResponseHeaders().set("Content-Type", MainMetrics.CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.size());
            try (OutputStream out = exchange.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static ObjectNode error(String message) {
        return Json.mapper().createObjectNode().put("error", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A write request: rows, and whether they share one token. */
    record Rows(List<RawJson> rows, boolean sameToken) {
        static Rows parse(String body) {
            JsonNode json = Json.parse(body);
            boolean same = false;
            JsonNode list = json;
            if (json.isObject()) {
                list = json.get("rows");
                JsonNode flag = json.get("same_token");
                if (flag != null && !flag.isBoolean()) {
                    throw new IllegalArgumentException("same_token must be true or false");
                }
                same = flag != null && flag.booleanValue();
            }
            if (list == null || !list.isArray()) {
                throw new IllegalArgumentException(
                        "body must be a JSON array of rows or {\"rows\": [...], \"same_token\": true}");
            }
            List<RawJson> rows = new ArrayList<>(list.size());
            for (JsonNode row : list) {
                rows.add(RawJson.fromTree(row));
            }
            return new Rows(rows, same);
        }
    }
}
