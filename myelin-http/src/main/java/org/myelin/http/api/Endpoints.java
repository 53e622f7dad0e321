package org.myelin.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Supplier;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpResponse;

/** Endpoints that only show a document someone else computes (status, metrics). */
public final class Endpoints {
    private Endpoints() {}

    /** Answers {@code 200} with the supplied JSON document. */
    public static HttpEndpoint json(Supplier<? extends JsonNode> document) {
        return request -> HttpResponse.json(200, document.get());
    }

    /** Answers {@code 200} with the supplied bytes of the given media type (Prometheus text, say). */
    public static HttpEndpoint bytes(String contentType, BodySupplier body) {
        return request -> new HttpResponse(200, contentType, body.get(), Map.of());
    }

    /** Produces a body; may fail. */
    @FunctionalInterface
    public interface BodySupplier {
        /** The body. */
        byte[] get() throws Exception;
    }
}
