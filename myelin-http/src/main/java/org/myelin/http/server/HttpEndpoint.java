package org.myelin.http.server;

/**
 * The logic behind one route, independent of the server class: it takes a request and answers it.
 * An endpoint may block (a store read or write); the server runs it off its I/O threads. An
 * exception it throws becomes a {@code 500} with a JSON error, logged once.
 */
@FunctionalInterface
public interface HttpEndpoint {
    /** Answers one request. */
    HttpResponse handle(HttpRequest request) throws Exception;
}
