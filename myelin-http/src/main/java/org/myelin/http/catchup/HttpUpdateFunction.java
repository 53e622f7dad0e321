package org.myelin.http.catchup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.RawJson;

/**
 * Fetches a stream's missed rows from a writer over HTTP, from Myelin's main process or from a real
 * Synapse main ({@code get_repl_stream_updates}). The writer answers for its own instance, so the
 * {@code instance} asked for is the one the writer is.
 *
 * <p>The asked row limit goes out as a {@code limit} query parameter: Myelin's endpoint answers up
 * to that many rows (at most the serving handler's most rows per answer, by default
 * {@link StreamUpdatesHandler#MAX_ROWS_PER_ANSWER}); a Synapse main
 * ignores it and answers its own page with {@code limited: true}, which the caller pages through.
 * Answers are read as a stream of tokens and each row is kept as the text it arrived in (never
 * turned into a tree), so a large page costs one pass over its bytes.
 */
public final class HttpUpdateFunction implements UpdateFunction {
    private static final AtomicLong TXN = new AtomicLong();
    /** Distinguishes this process's transaction ids from another's that used the same counter. */
    private static final String TXN_PREFIX = "myelin-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    private final HttpClient client;
    private final URI base;
    private final String stream;
    private final String secret;
    private final Duration timeout;

    /**
     * @param client the HTTP client to share among streams
     * @param base the writer's HTTP listener, such as {@code http://127.0.0.1:9093}
     * @param stream the stream to fetch
     * @param secret the replication secret
     * @param timeout how long one request may take
     */
    public HttpUpdateFunction(HttpClient client, URI base, String stream, String secret, Duration timeout) {
        this.client = client;
        this.base = base;
        this.stream = stream;
        this.secret = secret;
        this.timeout = timeout;
    }

    @Override
    public UpdateBatch getUpdates(String instance, long fromToken, long uptoToken, int limit)
            throws IOException, InterruptedException {
        URI uri = base.resolve(StreamUpdatesHandler.PATH + stream + "/" + TXN_PREFIX + TXN.incrementAndGet()
                + "?from_token=" + fromToken + "&upto_token=" + uptoToken + "&limit=" + limit);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + secret).GET().build();
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String body = new String(response.body(), StandardCharsets.UTF_8);
            throw new IOException("catch-up of " + stream + " from " + base + " answered " + response.statusCode()
                    + ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
        }
        try {
            return parse(response.body());
        } catch (ProtocolException e) {
            throw new IOException("catch-up of " + stream + " from " + base + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an answer {@code {"updates":[[token,row],...],"upto_token":N,"limited":bool}}.
     *
     * @throws ProtocolException if it is not one
     */
    public static UpdateBatch parse(String body) {
        return parse(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads an answer from its UTF-8 bytes; each row keeps its text when it is compact ASCII JSON
     * (what Myelin and Synapse send) and is re-encoded to that form otherwise.
     *
     * @throws ProtocolException if it is not one
     */
    public static UpdateBatch parse(byte[] body) {
        try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
            List<StreamRow> rows = null;
            Long upto = null;
            Boolean limited = null;
            expect(p.nextToken() == JsonToken.START_OBJECT, body, "not a JSON object");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                expect(t == JsonToken.FIELD_NAME, body, "not a JSON object");
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "updates" -> {
                        expect(value == JsonToken.START_ARRAY, body, "updates is not an array");
                        rows = updates(p, body);
                    }
                    case "upto_token" -> {
                        expect(value == JsonToken.VALUE_NUMBER_INT, body, "upto_token is not an integer");
                        upto = p.getLongValue();
                    }
                    case "limited" -> {
                        expect(value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE, body,
                                "limited is not a boolean");
                        limited = value == JsonToken.VALUE_TRUE;
                    }
                    default -> p.skipChildren(); // a field a later Synapse may add
                }
            }
            expect(p.nextToken() == null, body, "trailing data after the answer");
            expect(rows != null && upto != null && limited != null, body, "a field is missing");
            return new UpdateBatch(rows, upto, limited);
        } catch (IOException e) {
            throw new ProtocolException("not a get_repl_stream_updates answer: " + e.getMessage() + ": "
                    + excerpt(body), e);
        }
    }

    /** The rows of {@code "updates"}, the parser at its opening bracket. */
    private static List<StreamRow> updates(JsonParser p, byte[] body) throws IOException {
        List<StreamRow> rows = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER, body,
                    "an update must be [token, row]");
            long token = p.getLongValue();
            JsonToken first = p.nextToken();
            expect(first != null && first != JsonToken.END_ARRAY, body, "an update must be [token, row]");
            int start = (int) p.currentTokenLocation().getByteOffset();
            if (first.isStructStart()) {
                p.skipChildren(); // walked (and checked) to its closing bracket
            } else {
                p.finishToken(); // a string is otherwise read lazily: its end is not known yet
            }
            int end = (int) p.currentLocation().getByteOffset();
            expect(p.nextToken() == JsonToken.END_ARRAY, body, "an update must be [token, row]");
            String text = new String(body, start, end - start, StandardCharsets.UTF_8);
            rows.add(new StreamRow(token, Json.isCompactAscii(text) ? RawJson.of(text)
                    : RawJson.fromTree(Json.parse(text))));
        }
        return rows;
    }

    private static void expect(boolean ok, byte[] body, String what) {
        if (!ok) {
            throw new ProtocolException("not a get_repl_stream_updates answer (" + what + "): " + excerpt(body));
        }
    }

    private static String excerpt(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return body.length > 200 ? text + "..." : text;
    }
}
