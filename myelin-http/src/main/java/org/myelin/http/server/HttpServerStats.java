package org.myelin.http.server;

/**
 * Counters of an {@link HttpServer} since it started.
 *
 * @param requests complete requests received
 * @param busyRejections requests answered {@code 503} because every worker was busy and the queue full
 * @param endpointFailures requests whose endpoint threw (answered {@code 500})
 * @param timeouts connections closed because a request did not arrive in time or sat idle too long
 * @param refusedConnections connections closed on accept because the cap was reached
 * @param openConnections connections open now
 * @param bodyBytesInMemory request body bytes held now (being received, queued or handled)
 */
public record HttpServerStats(long requests, long busyRejections, long endpointFailures, long timeouts,
        long refusedConnections, int openConnections, long bodyBytesInMemory) {}
