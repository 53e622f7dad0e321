package org.myelin.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;

/** Reading JSON request bodies and checking methods, shared by the endpoints here. */
final class Bodies {
    private Bodies() {}

    /** A JSON object body, or the 400 answer saying why it is not one. */
    static JsonNode object(HttpRequest request) throws BadRequest {
        JsonNode node;
        try {
            node = Json.parse(new String(request.body(), StandardCharsets.UTF_8));
        } catch (ProtocolException | IllegalArgumentException e) {
            throw new BadRequest("the body is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadRequest("the body must be a JSON object");
        }
        return node;
    }

    /** An optional string field; JSON null and absent are both empty. */
    static Optional<String> text(JsonNode body, String field) throws BadRequest {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw new BadRequest("'" + field + "' must be a string");
        }
        return Optional.of(v.asText());
    }

    /** A 405 naming the allowed method, when the request's is another. */
    static Optional<HttpResponse> wrongMethod(HttpRequest request, String allowed) {
        if (allowed.equals(request.method())) {
            return Optional.empty();
        }
        return Optional.of(HttpResponse.error(405, "use " + allowed + " here").withHeader("Allow", allowed));
    }

    /** A request that cannot be served as sent: its message goes back with a 400. */
    static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message, null, false, false);
        }

        HttpResponse response() {
            return HttpResponse.error(400, getMessage());
        }
    }
}
