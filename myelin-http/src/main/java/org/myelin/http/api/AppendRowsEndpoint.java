package org.myelin.http.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /_myelin/v1/streams/{stream}}: appends the rows of the body (see {@link RowsBody}) and
 * answers {@code {"stream": ..., "tokens": [...]}}. A bad body or stream name gets {@code 400}, more
 * than the row limit {@code 413}, a failing store {@code 503}; errors are {@code {"error": ...}}.
 */
public final class AppendRowsEndpoint implements HttpEndpoint {
    /** Where to mount it. */
    public static final String ROUTE = "/_myelin/v1/streams/{stream}";
    /** The default bound on rows per request. */
    public static final int DEFAULT_MAX_ROWS = 10_000;
    /**
     * Stream names a line can carry as one word and a URL as one segment: 1-100 of letters, digits,
     * {@code _ . -}, but not {@code .} or {@code ..} (which paths and files treat specially).
     */
    public static final Pattern STREAM_NAME = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9_.\\-]{1,100}");

    private static final Logger log = LoggerFactory.getLogger(AppendRowsEndpoint.class);

    private final RowAppender appender;
    private final int maxRows;

    /** An endpoint taking at most {@value #DEFAULT_MAX_ROWS} rows a request. */
    public AppendRowsEndpoint(RowAppender appender) {
        this(appender, DEFAULT_MAX_ROWS);
    }

    /** An endpoint taking at most {@code maxRows} rows a request. */
    public AppendRowsEndpoint(RowAppender appender, int maxRows) {
        if (maxRows <= 0) {
            throw new IllegalArgumentException("maxRows must be positive");
        }
        this.appender = appender;
        this.maxRows = maxRows;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        String stream = request.pathParams().get("stream");
        if (stream == null || !STREAM_NAME.matcher(stream).matches()) {
            return HttpResponse.error(400,
                    "stream names are 1-100 letters, digits, '_', '.' or '-', and not '.' or '..'");
        }
        RowsBody body;
        try {
            body = RowsBody.parse(request.body(), maxRows);
        } catch (RowsBody.TooManyRows e) {
            return HttpResponse.error(413, e.getMessage());
        } catch (IllegalArgumentException e) {
            return HttpResponse.error(400, e.getMessage());
        }
        List<Long> tokens;
        try {
            tokens = appender.append(stream, body.rows(), body.sameToken());
        } catch (IllegalArgumentException e) {
            return HttpResponse.error(400, e.getMessage());
        } catch (Exception e) {
            log.error("append of {} rows to stream {} failed", body.rows().size(), stream, e);
            return HttpResponse.error(503, "store unavailable: " + e.getMessage());
        }
        ObjectNode answer = Json.mapper().createObjectNode().put("stream", stream);
        ArrayNode list = answer.putArray("tokens");
        tokens.forEach(list::add);
        return HttpResponse.json(200, answer);
    }
}
