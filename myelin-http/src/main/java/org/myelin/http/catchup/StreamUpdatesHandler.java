package org.myelin.http.catchup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synapse's out-of-band catch-up endpoint (PROTOCOL.md section 6), an {@link HttpEndpoint} to mount at
 * {@link #ROUTE} with {@code GET}:
 * {@code GET /_synapse/replication/get_repl_stream_updates/<stream>/<txn_id>?from_token=A&upto_token=B}
 * with {@code Authorization: Bearer <replication_secret>} answers
 * {@code {"updates": [[token, row], ...], "upto_token": N, "limited": bool}} for this writer's rows.
 *
 * <p>Unknown stream or bad tokens: 400; missing secret: 401; wrong secret: 403 (the reference answers
 * 500). The secret is compared in constant time. Rows never change once written, so an answer is the
 * same for the same request and a retried transaction id needs no response cache.
 */
public final class StreamUpdatesHandler implements HttpEndpoint {
    /** The prefix of the endpoint's paths. */
    public static final String PATH = "/_synapse/replication/get_repl_stream_updates/";
    /** The route to mount the endpoint at (stream and transaction id are percent-decoded path segments). */
    public static final String ROUTE = PATH + "{stream}/{txn_id}";
    /** Rows per answer, as the reference's target row count. */
    public static final int ROWS_PER_ANSWER = 100;

    private static final Logger log = LoggerFactory.getLogger(StreamUpdatesHandler.class);

    private final Function<String, Optional<UpdateFunction>> streams;
    private final String instanceName;
    private final byte[] secret;
    private final int rowsPerAnswer;

    /**
     * @param streams the update function of each stream this writer serves, empty for an unknown one
     * @param instanceName the writer whose rows are served
     * @param secret the replication secret clients must present
     */
    public StreamUpdatesHandler(Function<String, Optional<UpdateFunction>> streams, String instanceName,
            String secret) {
        this(streams, instanceName, secret, ROWS_PER_ANSWER);
    }

    /**
     * As {@link #StreamUpdatesHandler(Function, String, String)}, answering at most {@code rowsPerAnswer}
     * rows a request (the client asks again from where the answer stopped).
     */
    public StreamUpdatesHandler(Function<String, Optional<UpdateFunction>> streams, String instanceName,
            String secret, int rowsPerAnswer) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the catch-up endpoint needs a replication secret");
        }
        if (rowsPerAnswer < 1) {
            throw new IllegalArgumentException("rows per answer must be positive, got " + rowsPerAnswer);
        }
        this.streams = streams;
        this.instanceName = instanceName;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.rowsPerAnswer = rowsPerAnswer;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String auth = request.header("Authorization").orElse(null);
        if (auth == null || !auth.startsWith("Bearer ")) {
            return reply(401, error("M_MISSING_TOKEN", "missing replication secret"));
        }
        byte[] given = auth.substring("Bearer ".length()).getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, secret)) {
            return reply(403, error("M_FORBIDDEN", "wrong replication secret"));
        }
        Request parsed;
        try {
            parsed = Request.parse(request);
        } catch (IllegalArgumentException e) {
            return reply(400, error("M_INVALID_PARAM", e.getMessage()));
        }
        Optional<UpdateFunction> updates = streams.apply(parsed.stream());
        if (updates.isEmpty()) {
            return reply(400, error("M_UNKNOWN", "Unknown stream " + parsed.stream()));
        }
        UpdateBatch batch;
        try {
            batch = updates.get().getUpdates(instanceName, parsed.from(), parsed.upto(), rowsPerAnswer);
        } catch (Exception e) {
            log.error("catch-up read of {} ({}, {}] failed", parsed.stream(), parsed.from(), parsed.upto(), e);
            return reply(500, error("M_UNKNOWN", "cannot read the stream now"));
        }
        return reply(200, render(batch));
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

    private static HttpResponse reply(int status, String body) {
        return new HttpResponse(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** One parsed request. */
    record Request(String stream, String txnId, long from, long upto) {
        /** Reads the route's {@code stream} and {@code txn_id} segments and the two tokens. */
        static Request parse(HttpRequest request) {
            String stream = request.pathParams().get("stream");
            String txnId = request.pathParams().get("txn_id");
            if (stream == null || stream.isEmpty() || txnId == null || txnId.isEmpty()) {
                throw new IllegalArgumentException("expected " + PATH + "<stream>/<txn_id>");
            }
            String from = request.queryParam("from_token").orElse(null);
            String upto = request.queryParam("upto_token").orElse(null);
            if (from == null || upto == null) {
                throw new IllegalArgumentException("from_token and upto_token are required");
            }
            return new Request(stream, txnId, number("from_token", from), number("upto_token", upto));
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
