package org.myelin.http.endpoints;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;

/**
 * {@code GET /metrics}: a scrape, written by whatever keeps the metrics (a Prometheus registry and
 * its text writer in the program), so this module needs no metrics library.
 */
public final class MetricsEndpoint implements HttpEndpoint {
    /** The route. */
    public static final String ROUTE = "/metrics";

    /** Writes one scrape. */
    @FunctionalInterface
    public interface Scrape {
        /** Writes the current metrics to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private final String contentType;
    private final Scrape scrape;

    /**
     * @param contentType the exposition format's media type
     * @param scrape writes the metrics
     */
    public MetricsEndpoint(String contentType, Scrape scrape) {
        this.contentType = contentType;
        this.scrape = scrape;
    }

    @Override
    public HttpResponse handle(HttpRequest request) throws IOException {
        Optional<HttpResponse> wrong = Bodies.wrongMethod(request, "GET");
        if (wrong.isPresent()) {
            return wrong.get();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        scrape.writeTo(out);
        return new HttpResponse(200, contentType, out.toByteArray(), Map.of());
    }
}
