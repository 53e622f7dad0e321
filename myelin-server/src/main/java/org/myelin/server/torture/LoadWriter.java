package org.myelin.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.myelin.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows through the main's HTTP API at a steady rate, one request every {@link #TICK}, some
 * of them {@code same_token} batches. A request that fails (the main was killed, or answers an
 * error) is retried with the same rows until it is acknowledged: a write that was committed but
 * not acknowledged is then stored twice, which the checker counts but does not hold against
 * replication.
 */
final class LoadWriter {
    private static final Logger log = LoggerFactory.getLogger(LoadWriter.class);
    static final Duration TICK = Duration.ofMillis(50);
    private static final int MAX_ROWS_PER_REQUEST = 500;
    private static final int MAX_SAME_TOKEN = 5;

    private final HttpClient http;
    private final String stream;
    private final Supplier<java.net.URI> base;
    private final int rate;
    private final Random random;
    private final AckLog acks = new AckLog();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sameTokenRequests = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong uncertain = new AtomicLong();
    private volatile boolean stopping;
    private Thread thread;
    private volatile Throwable failure;

    /** Writes rows of {@code stream} (its own sequence numbers from 0) at {@code rate} rows/s. */
    LoadWriter(HttpClient http, String stream, Supplier<java.net.URI> base, int rate, long seed) {
        this.http = http;
        this.stream = stream;
        this.base = base;
        this.rate = rate;
        this.random = new Random(seed);
    }

    String stream() {
        return stream;
    }

    AckLog acks() {
        return acks;
    }

    long requests() {
        return requests.get();
    }

    long sameTokenRequests() {
        return sameTokenRequests.get();
    }

    long retries() {
        return retries.get();
    }

    /** Requests that failed without an answer and so may have been committed before being retried. */
    long uncertain() {
        return uncertain.get();
    }

    void start() {
        thread = new Thread(this::run, "torture-writer-" + stream);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the request in flight was acknowledged (waiting at most {@code timeout}). */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            throw new TortureFailure("the " + stream + " writer's last request was not acknowledged within " + timeout);
        }
        if (failure != null) {
            throw new TortureFailure("the " + stream + " writer failed: " + failure, failure);
        }
    }

    private void run() {
        long started = System.nanoTime();
        long next = 0; // next sequence number
        try {
            while (!stopping) {
                long due = (long) ((System.nanoTime() - started) / 1e9 * rate);
                int n = (int) Math.min(due - next, MAX_ROWS_PER_REQUEST);
                if (n > 0) {
                    boolean sameToken = n >= 2 && random.nextInt(4) == 0;
                    if (sameToken) {
                        n = Math.min(n, 2 + random.nextInt(MAX_SAME_TOKEN - 1));
                        sameTokenRequests.incrementAndGet();
                    }
                    write(next, n, sameToken);
                    next += n;
                }
                Thread.sleep(TICK.toMillis()); // pacing, not waiting for a condition
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            log.error("{} writer failed", stream, e);
        }
    }

    private void write(long first, int n, boolean sameToken) throws InterruptedException {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            rows.append(i == 0 ? "" : ",").append(TortureRows.row(first + i));
        }
        rows.append(']');
        String body = sameToken ? "{\"rows\":" + rows + ",\"same_token\":true}" : rows.toString();
        requests.incrementAndGet();
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
                Thread.sleep(Math.min(1000, 100L * attempt)); // retry delay while the main restarts
            }
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(base.get().resolve("/_myelin/v1/streams/" + stream))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                uncertain.incrementAndGet();
                log.debug("write of {} rows {}..{} failed, retrying: {}", stream, first, first + n - 1, e.toString());
                continue;
            }
            if (response.statusCode() != 200) {
                log.warn("write of {} rows {}..{} answered {} {}, retrying", stream, first, first + n - 1, response.statusCode(),
                        response.body());
                continue;
            }
            JsonNode tokens = Json.parse(response.body()).path("tokens");
            if (!tokens.isArray() || tokens.size() != n) {
                throw new TortureFailure("the main answered a write of " + n + " rows with " + response.body());
            }
            long[] acked = new long[n];
            for (int i = 0; i < n; i++) {
                acked[i] = tokens.get(i).asLong();
            }
            acks.acknowledged(first, acked);
            return;
        }
    }
}
