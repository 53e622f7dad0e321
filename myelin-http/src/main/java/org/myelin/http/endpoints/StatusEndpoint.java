package org.myelin.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.Supplier;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;

/** {@code GET /_myelin/v1/status}: a process's status document, built afresh per request. */
public final class StatusEndpoint implements HttpEndpoint {
    /** The route. */
    public static final String ROUTE = "/_myelin/v1/status";

    private final Supplier<? extends JsonNode> status;

    /** @param status builds the document (for a worker, {@code WorkerProcess::status}) */
    public StatusEndpoint(Supplier<? extends JsonNode> status) {
        this.status = status;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Optional<HttpResponse> wrong = Bodies.wrongMethod(request, "GET");
        return wrong.orElseGet(() -> HttpResponse.json(200, status.get()));
    }
}
