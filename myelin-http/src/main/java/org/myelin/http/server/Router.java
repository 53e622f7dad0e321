package org.myelin.http.server;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a method and a raw path against routes like {@code /_myelin/v1/streams/{stream}}: literal
 * segments compare as decoded text, a {@code {name}} segment takes any one non-empty segment,
 * percent-decoded (so {@code %2F} stays inside its segment).
 */
final class Router {
    /** What a lookup found. */
    sealed interface Result permits Found, NotFound, WrongMethod {}

    /** A route matched. */
    record Found(HttpEndpoint endpoint, Map<String, String> params, String path) implements Result {}

    /** No route has this path. */
    record NotFound(String path) implements Result {}

    /** Routes have this path, with other methods. */
    record WrongMethod(Set<String> allowed) implements Result {}

    private record Route(String method, List<String> segments, HttpEndpoint endpoint) {}

    private final List<Route> routes;

    private Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        void add(String method, String pattern, HttpEndpoint endpoint) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a route starts with '/': " + pattern);
            }
            List<String> segments = split(pattern);
            for (Route r : routes) {
                if (r.method.equals(method) && r.segments.equals(segments)) {
                    throw new IllegalArgumentException("route " + method + " " + pattern + " added twice");
                }
            }
            routes.add(new Route(method, segments, endpoint));
        }

        Router build() {
            return new Router(routes);
        }
    }

    /**
     * Finds the route for a request.
     *
     * @param rawPath the path as sent, still percent-encoded, without the query
     * @throws IllegalArgumentException if a segment is not valid percent-encoded UTF-8
     */
    Result find(String method, String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : split(rawPath)) {
            segments.add(decode(raw));
        }
        String path = "/" + String.join("/", segments);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            Map<String, String> params = match(route.segments, segments);
            if (params != null) {
                if (route.method.equals(method)) {
                    return new Found(route.endpoint, params, path);
                }
                allowed.add(route.method);
            }
        }
        return allowed.isEmpty() ? new NotFound(path) : new WrongMethod(allowed);
    }

    private static Map<String, String> match(List<String> pattern, List<String> segments) {
        if (pattern.size() != segments.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            String s = segments.get(i);
            if (p.length() > 2 && p.startsWith("{") && p.endsWith("}")) {
                if (s.isEmpty()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 1), s);
            } else if (!p.equals(s)) {
                return null;
            }
        }
        return params;
    }

    /** The segments after the leading '/', keeping empty ones (so {@code /a//b} does not match {@code /a/b}). */
    private static List<String> split(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/'");
        }
        return List.of(path.substring(1).split("/", -1));
    }

    /**
     * Strict percent-decoding of one path segment: {@code +} stays {@code +} (it means a space only in
     * queries), a broken escape or invalid UTF-8 is an error rather than U+FFFD.
     */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteBuffer bytes = ByteBuffer.allocate(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new IllegalArgumentException("truncated percent escape in path");
                }
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape in path");
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw new IllegalArgumentException("non-ASCII character in path");
            }
        }
        bytes.flip();
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("path is not valid UTF-8 once percent-decoded");
        }
    }
}
