package org.myelin.http.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.myelin.protocol.Json;

/**
 * What an endpoint answers.
 *
 * @param status the HTTP status code
 * @param contentType the body's media type
 * @param body the body bytes
 * @param headers extra response headers (such as {@code Allow})
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** Copies the headers. */
    public HttpResponse {
        headers = Map.copyOf(headers);
    }

    /** A JSON answer, written compact and followed by a newline (handy for {@code curl}). */
    public static HttpResponse json(int status, JsonNode body) {
        return new HttpResponse(status, "application/json",
                (Json.write(body) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** {@code {"error": message}} with the given status. */
    public static HttpResponse error(int status, String message) {
        return json(status, Json.mapper().createObjectNode().put("error", message));
    }

    /** The same answer with one more header. */
    public HttpResponse withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpResponse(status, contentType, body, more);
    }
}
