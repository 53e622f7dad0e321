package org.myelin.http.catchup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Function;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synapse's out-of-band catch-up endpoint (PROTOCOL.md section 6), for a JDK {@code HttpServer}:
 * {@code GET /_synapse/replication/get_repl_stream_updates/<stream>/<txn_id>?from_token=A&upto_token=B}
 * with {@code Authorization: Bearer <replication_secret>} answers
 * {@code {"updates": [[token, row], ...], "upto_token": N, "limited": bool}} for this writer's rows.
 *
 * <p>Unknown stream or bad tokens: 400; missing secret: 401; wrong secret: 403 (the reference answers
 * 500). The secret is compared in constant time. Rows never change once written, so an answer is the
 * same for the same request and a retried transaction id needs no response cache.
 */
public final class StreamUpdatesHandler implements HttpHandler {
    /** Where the endpoint is mounted. */
    public static final String PATH = "/_synapse/replication/get_repl_stream_updates/";
    /** Rows per answer, as the reference's target row count. */
    public static final int ROWS_PER_ANSWER = 100;

    private static final Logger log = LoggerFactory.getLogger(StreamUpdatesHandler.class);

    private final Function<String, Optional<UpdateFunction>> streams;
    private final String instanceName;
    private final byte[] secret;

    /**
     * @param streams the update function of each stream this writer serves, empty for an unknown one
     * @param instanceName the writer whose rows are served
     * @param secret the replication secret clients must present
     */
    public StreamUpdatesHandler(Function<String, Optional<UpdateFunction>> streams, String instanceName,
            String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the catch-up endpoint needs a replication secret");
        }
        this.streams = streams;
        this.instanceName = instanceName;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                reply(exchange, 405, error("M_UNRECOGNIZED", "use GET"));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                reply(exchange, 401, error("M_MISSING_TOKEN", "missing replication secret"));
                return;
            }
            byte[] given = auth.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, secret)) {
                reply(exchange, 403, error("M_FORBIDDEN", "wrong replication secret"));
                return;
            }
            Request request;
            try {
                request = Request.parse(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery());
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error("M_INVALID_PARAM", e.getMessage()));
                return;
            }
            Optional<UpdateFunction> updates = streams.apply(request.stream());
            if (updates.isEmpty()) {
                reply(exchange, 400, error("M_UNKNOWN", "Unknown stream " + request.stream()));
                return;
            }
            UpdateBatch batch;
            try {
                batch = updates.get().getUpdates(instanceName, request.from(), request.upto(), ROWS_PER_ANSWER);
            } catch (Exception e) {
                log.error("catch-up read of {} ({}, {}] failed", request.stream(), request.from(), request.upto(), e);
                reply(exchange, 500, error("M_UNKNOWN", "cannot read the stream now"));
                return;
            }
            reply(exchange, 200, render(batch));
        }
    }

    /** The answer, with each row's JSON copied as stored (never parsed). */
    static String render(UpdateBatch batch) {
        StringBuilder out = new StringBuilder(64 + batch.rows().size() * 160).append("{\"updates\":[");
        boolean first = true;
        for (StreamRow row : batch.rows()) {
            out.append(first ? "[" : ",[").append(row.token()).append(',').append(row.row().canonicalText())
                    .append(']');
            first = false;
        }
        return out.append("],\"upto_token\":").append(batch.uptoToken()).append(",\"limited\":")
                .append(batch.limited()).append('}').toString();
    }

    private static String error(String code, String message) {
        return Json.write(Json.mapper().createObjectNode().put("errcode", code).put("error", message));
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** One parsed request. */
    record Request(String stream, String txnId, long from, long upto) {
        static Request parse(String path, String query) {
            if (!path.startsWith(PATH)) {
                throw new IllegalArgumentException("not a catch-up path: " + path);
            }
            String[] segments = path.substring(PATH.length()).split("/", -1);
            if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
                throw new IllegalArgumentException("expected " + PATH + "<stream>/<txn_id>");
            }
            Long from = null;
            Long upto = null;
            for (String pair : query == null ? new String[0] : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (key.equals("from_token")) {
                    from = number(key, value);
                } else if (key.equals("upto_token")) {
                    upto = number(key, value);
                }
            }
            if (from == null || upto == null) {
                throw new IllegalArgumentException("from_token and upto_token are required");
            }
            return new Request(segments[0], segments[1], from, upto);
        }

        private static long number(String key, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'");
            }
        }
    }
}
