package org.myelin.http.server;

import java.time.Duration;

/**
 * The limits of an {@link HttpServer}.
 *
 * @param maxBodyBytes largest request body accepted; a larger one gets {@code 413} without being read
 * @param readTimeout time a request may take to arrive in full once its first byte came; a slower
 *     client's connection is closed (a slow client must not hold anything for long)
 * @param idleTimeout time a kept-alive connection may sit between requests before it is closed
 * @param maxConnections open connections beyond this are closed as soon as they are accepted
 * @param workerThreads threads running endpoints (which may block on a store)
 * @param queueCapacity requests waiting for a worker thread; beyond, {@code 503} with {@code Retry-After}
 * @param ioThreads Netty event-loop threads doing the (non-blocking) socket I/O
 * @param maxQueuedBodyBytes request bodies in memory together, being received, queued or handled; a
 *     request whose body would pass it gets {@code 503} and its connection is closed (when nothing
 *     else is held, one body up to {@code maxBodyBytes} always passes)
 * @param maxPipelined requests a client may pipeline on one connection while one is being handled;
 *     a client sending more has its connection closed
 */
public record HttpSettings(int maxBodyBytes, Duration readTimeout, Duration idleTimeout, int maxConnections,
        int workerThreads, int queueCapacity, int ioThreads, long maxQueuedBodyBytes, int maxPipelined) {

    /** The default body limit: 16 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

    /** Requests pipelined on one connection by default. */
    public static final int DEFAULT_MAX_PIPELINED = 16;

    /** Checks the values. */
    public HttpSettings {
        positive("maxBodyBytes", maxBodyBytes);
        positive("maxConnections", maxConnections);
        positive("workerThreads", workerThreads);
        positive("queueCapacity", queueCapacity);
        positive("ioThreads", ioThreads);
        positive("maxPipelined", maxPipelined);
        if (maxQueuedBodyBytes <= 0) {
            throw new IllegalArgumentException("maxQueuedBodyBytes must be positive, got " + maxQueuedBodyBytes);
        }
        if (readTimeout.isNegative() || readTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /**
     * 16 MiB bodies, 30 s to send a request, 60 s idle, 1,000 connections, 8 workers, 256 queued,
     * 2 I/O threads, 64 MiB of bodies waiting or being handled.
     */
    public static HttpSettings defaults() {
        return new HttpSettings(DEFAULT_MAX_BODY_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(60), 1000, 8,
                256, 2, 64L * 1024 * 1024, DEFAULT_MAX_PIPELINED);
    }

    /** The same with another read timeout. */
    public HttpSettings withReadTimeout(Duration timeout) {
        return new HttpSettings(maxBodyBytes, timeout, idleTimeout, maxConnections, workerThreads, queueCapacity,
                ioThreads, maxQueuedBodyBytes, maxPipelined);
    }

    /** The same with another idle timeout. */
    public HttpSettings withIdleTimeout(Duration timeout) {
        return new HttpSettings(maxBodyBytes, readTimeout, timeout, maxConnections, workerThreads, queueCapacity,
                ioThreads, maxQueuedBodyBytes, maxPipelined);
    }

    /** The same with another body limit. */
    public HttpSettings withMaxBodyBytes(int bytes) {
        return new HttpSettings(bytes, readTimeout, idleTimeout, maxConnections, workerThreads, queueCapacity,
                ioThreads, maxQueuedBodyBytes, maxPipelined);
    }

    /** The same with other worker pool bounds. */
    public HttpSettings withWorkers(int threads, int queue) {
        return new HttpSettings(maxBodyBytes, readTimeout, idleTimeout, maxConnections, threads, queue, ioThreads,
                maxQueuedBodyBytes, maxPipelined);
    }

    /** The same with another connection cap. */
    public HttpSettings withMaxConnections(int connections) {
        return new HttpSettings(maxBodyBytes, readTimeout, idleTimeout, connections, workerThreads, queueCapacity,
                ioThreads, maxQueuedBodyBytes, maxPipelined);
    }

    /** The same with another bound on pipelined requests per connection. */
    public HttpSettings withMaxPipelined(int requests) {
        return new HttpSettings(maxBodyBytes, readTimeout, idleTimeout, maxConnections, workerThreads, queueCapacity,
                ioThreads, maxQueuedBodyBytes, requests);
    }

    /** The same with another bound on bodies waiting or being handled. */
    public HttpSettings withMaxQueuedBodyBytes(long bytes) {
        return new HttpSettings(maxBodyBytes, readTimeout, idleTimeout, maxConnections, workerThreads, queueCapacity,
                ioThreads, bytes, maxPipelined);
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
