package org.myelin.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.myelin.http.api.Endpoints;
import org.myelin.http.endpoints.Route;

/**
 * The live dashboard page, served at {@code /} of the main's and a worker's HTTP listener: static
 * HTML, CSS and JavaScript from the jar (no build step) that polls {@code GET /_myelin/v1/status}
 * every second and draws the rates as small SVG charts. The rate history itself is kept by the
 * process ({@code RateHistory}), so a page opened now shows the last minutes at once.
 */
public final class Dashboard {
    private static final List<Asset> ASSETS = List.of(
            new Asset("/", "index.html", "text/html; charset=utf-8"),
            new Asset("/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
            new Asset("/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"));

    private Dashboard() {}

    /** The page's routes, every file read from the jar once, now (a missing one fails at start, not on a request). */
    public static List<Route> routes() {
        return ASSETS.stream().map(a -> {
            byte[] body = read(a.resource());
            return new Route("GET", a.path(), Endpoints.bytes(a.contentType(), () -> body));
        }).toList();
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Asset(String path, String resource, String contentType) {}
}
