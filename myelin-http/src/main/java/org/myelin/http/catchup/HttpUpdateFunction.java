package org.myelin.http.catchup;

import com.fasterxml.jackson.databind.JsonNode;
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
 * {@code instance} asked for is the one the writer is; the row limit is the writer's.
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
                + "?from_token=" + fromToken + "&upto_token=" + uptoToken);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + secret).GET().build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            String body = response.body();
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
        JsonNode json = Json.parse(body);
        JsonNode updates = json.get("updates");
        JsonNode upto = json.get("upto_token");
        JsonNode limited = json.get("limited");
        if (updates == null || !updates.isArray() || upto == null || !upto.isIntegralNumber()
                || limited == null || !limited.isBoolean()) {
            throw new ProtocolException("not a get_repl_stream_updates answer: " + body);
        }
        List<StreamRow> rows = new ArrayList<>(updates.size());
        for (JsonNode update : updates) {
            if (!update.isArray() || update.size() != 2 || !update.get(0).isIntegralNumber()) {
                throw new ProtocolException("an update must be [token, row], got " + update);
            }
            rows.add(new StreamRow(update.get(0).longValue(), RawJson.fromTree(update.get(1))));
        }
        return new UpdateBatch(rows, upto.longValue(), limited.booleanValue());
    }
}
