package org.myelin.http.endpoints;

import org.myelin.http.server.HttpEndpoint;

/**
 * An endpoint and where it belongs, for a server to mount.
 *
 * @param method the HTTP method ({@code GET}, {@code POST})
 * @param path the path, with {@code {name}} segments for path parameters
 * @param endpoint the logic
 */
public record Route(String method, String path, HttpEndpoint endpoint) {}
