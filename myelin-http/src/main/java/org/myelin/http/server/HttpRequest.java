package org.myelin.http.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as an endpoint sees it, independent of the server that received it, so that an
 * endpoint can be tested by calling it directly.
 *
 * @param method the request method, upper case ({@code GET}, {@code POST})
 * @param path the request path, percent-decoded, without the query string
 * @param pathParams the values of the route's {@code {name}} segments, percent-decoded
 * @param query the query parameters, percent-decoded, in order of appearance
 * @param headers the request headers, names in lower case (the last value of a repeated header)
 * @param body the request body (empty when there is none); never larger than the server's limit
 * @param remote the client's address, or {@code null} when unknown (an endpoint called directly)
 */
public record HttpRequest(String method, String path, Map<String, String> pathParams,
        Map<String, List<String>> query, Map<String, String> headers, byte[] body, InetSocketAddress remote) {

    /** Copies the maps. */
    public HttpRequest {
        pathParams = Map.copyOf(pathParams);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A header by name, in any case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
