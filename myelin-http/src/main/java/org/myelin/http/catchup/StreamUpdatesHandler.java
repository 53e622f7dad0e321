package org.myelin.http.catchup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
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
 * <p>An optional {@code limit} query parameter (Myelin's, which Synapse's own endpoint ignores) asks
 * for up to that many rows per answer, at most the handler's most rows per answer (default
 * {@link #MAX_ROWS_PER_ANSWER}); without it an answer
 * holds the handler's rows per answer (default {@link #ROWS_PER_ANSWER}, as Synapse's).
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
    /** Rows per answer when the request names no {@code limit}, as the reference's target row count. */
    public static final int ROWS_PER_ANSWER = 100;
    /**
     * The most rows an answer holds by default, whatever {@code limit} asks: bounds the memory and
     * time of one request (about 2 MB of 150-byte rows).
     */
    public static final int MAX_ROWS_PER_ANSWER = 10_000;

    private static final Logger log = LoggerFactory.getLogger(StreamUpdatesHandler.class);

    private final Function<String, Optional<UpdateFunction>> streams;
    private final String instanceName;
    private final byte[] secret;
    private final int rowsPerAnswer;
    private final int maxRowsPerAnswer;

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
        this(streams, instanceName, secret, rowsPerAnswer, Math.max(rowsPerAnswer, MAX_ROWS_PER_ANSWER));
    }

    /**
     * As {@link #StreamUpdatesHandler(Function, String, String, int)}, holding at most
     * {@code maxRowsPerAnswer} rows in an answer whatever a request's {@code limit} asks.
     *
     * @throws IllegalArgumentException if {@code rowsPerAnswer} is above {@code maxRowsPerAnswer}
     */
    public StreamUpdatesHandler(Function<String, Optional<UpdateFunction>> streams, String instanceName,
            String secret, int rowsPerAnswer, int maxRowsPerAnswer) {
        checkRows(rowsPerAnswer, maxRowsPerAnswer);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("the catch-up endpoint needs a replication secret");
        }
        this.streams = streams;
        this.instanceName = instanceName;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.rowsPerAnswer = rowsPerAnswer;
        this.maxRowsPerAnswer = maxRowsPerAnswer;
    }

    /**
     * Checks a handler's rows per answer against its most rows per answer.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void checkRows(int rowsPerAnswer, int maxRowsPerAnswer) {
        if (rowsPerAnswer < 1) {
            throw new IllegalArgumentException("rows per answer must be positive, got " + rowsPerAnswer);
        }
        if (maxRowsPerAnswer < rowsPerAnswer) {
            throw new IllegalArgumentException("the most rows per answer (" + maxRowsPerAnswer
                    + ") is below the rows per answer (" + rowsPerAnswer + ")");
        }
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
            int rows = parsed.limit() > 0 ? Math.min(parsed.limit(), maxRowsPerAnswer) : rowsPerAnswer;
            batch = updates.get().getUpdates(instanceName, parsed.from(), parsed.upto(), rows);
        } catch (Exception e) {
            log.error("catch-up read of {} ({}, {}] failed", parsed.stream(), parsed.from(), parsed.upto(), e);
            return reply(500, error("M_UNKNOWN", "cannot read the stream now"));
        }
        return new HttpResponse(200, "application/json", renderBytes(batch), Map.of());
    }

    /** The answer, with each row's JSON copied as stored (never parsed). */
    static String render(UpdateBatch batch) {
        return new String(renderBytes(batch), StandardCharsets.US_ASCII);
    }

    /**
     * The answer as bytes. Canonical row text is ASCII, so each character is one byte: the rows are
     * copied straight into one array sized for them, with no intermediate string of the whole page.
     */
    static byte[] renderBytes(UpdateBatch batch) {
        List<StreamRow> rows = batch.rows();
        String[] texts = new String[rows.size()];
        int size = 64;
        for (int i = 0; i < texts.length; i++) {
            texts[i] = rows.get(i).row().canonicalText();
            size += texts[i].length() + 23; // "[" token "," row "]" ","
        }
        Ascii out = new Ascii(size);
        out.append("{\"updates\":[");
        for (int i = 0; i < texts.length; i++) {
            out.append(i == 0 ? "[" : ",[").append(Long.toString(rows.get(i).token())).append(",").append(texts[i])
                    .append("]");
        }
        return out.append("],\"upto_token\":").append(Long.toString(batch.uptoToken())).append(",\"limited\":")
                .append(Boolean.toString(batch.limited())).append("}").bytes();
    }

    /** A growable byte buffer for ASCII text. */
    private static final class Ascii {
        private byte[] buf;
        private int len;

        Ascii(int capacity) {
            buf = new byte[capacity];
        }

        @SuppressWarnings("deprecation") // the byte-per-char copy is exactly what ASCII text needs
        Ascii append(String s) {
            int n = s.length();
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
            s.getBytes(0, n, buf, len); // ASCII only: the low byte of each char is the char
            len += n;
            return this;
        }

        byte[] bytes() {
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }

    private static String error(String code, String message) {
        return Json.write(Json.mapper().createObjectNode().put("errcode", code).put("error", message));
    }

    private static HttpResponse reply(int status, String body) {
        return new HttpResponse(status, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** One parsed request. */
    record Request(String stream, String txnId, long from, long upto, int limit) {
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
            String limit = request.queryParam("limit").orElse(null);
            int rows = 0; // none asked: the handler's rows per answer
            if (limit != null) {
                long asked = number("limit", limit);
                if (asked < 1) {
                    throw new IllegalArgumentException("limit must be at least 1, got " + asked);
                }
                rows = (int) Math.min(asked, Integer.MAX_VALUE); // the handler caps it
            }
            return new Request(stream, txnId, number("from_token", from), number("upto_token", upto), rows);
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
