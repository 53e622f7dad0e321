package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.redis.Bus.Delivered;
import org.myelin.redis.Bus.Worker;
import org.myelin.redis.Bus.Writer;

/**
 * The two other URI forms of {@code --redis}: {@code redis-socket:///path} (a Unix socket, through
 * Netty's native epoll transport) and {@code rediss://} (TLS, trusting a deployment's own CA), each with
 * a redis-server the test starts listening on that form only.
 */
class RedisUriFormsTest {
    @TempDir
    Path dir;

    @Test
    void rowsFlowOverAUnixSocket() throws Exception {
        try (RedisServer redis = RedisServer.startOnUnixSocket(); Bus bus = new Bus(redis, dir)) {
            assertThat(redis.uri()).startsWith("redis-socket:///");
            assertRowsFlow(bus, Bus.settings());
        }
    }

    @Test
    void rowsFlowOverTlsTrustingTheGivenCa() throws Exception {
        try (RedisServer redis = RedisServer.startWithTls(); Bus bus = new Bus(redis, dir)) {
            assertThat(redis.uri()).startsWith("rediss://127.0.0.1:");
            assertRowsFlow(bus, Bus.settings().withCaCert(redis.caCert()));
        }
    }

    @Test
    void tlsWithoutTrustingTheCaNeverConnectsAndKeepsTrying() throws Exception {
        try (RedisServer redis = RedisServer.startWithTls();
                RedisTransport untrusting = RedisTransport.start(RedisTransport.parseUri(redis.uri()), Bus.settings(),
                        new SilentListener())) {
            // the certificate is checked: a client that does not trust its CA counts failures, never opens a link
            await().atMost(Bus.WAIT).until(() -> untrusting.metrics().reconnects() >= 2);
            assertThat(untrusting.metrics().linksOpened()).isZero();
            assertThat(untrusting.lastFailure()).isNotNull();
        }
    }

    private static void assertRowsFlow(Bus bus, RedisSettings settings) throws Exception {
        Writer writer = bus.writer(settings, "events");
        writer.transport().firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Worker worker = bus.worker(bus.redis.uri(), settings, "w1", OptionalLong.of(0), "events");
        worker.transport.established().toCompletableFuture().get(60, TimeUnit.SECONDS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String row = "[" + i + "]";
            writer.append("events", false, row);
            expected.add(row);
        }
        await().atMost(Bus.WAIT).pollInterval(Duration.ofMillis(20))
                .until(() -> worker.rows("events").size() >= expected.size());
        assertThat(worker.rows("events")).extracting(Delivered::row).containsExactlyElementsOf(expected);
        assertThat(writer.transport().metrics().reconnects()).isZero();
    }

    /** A listener that only needs to exist. */
    private static final class SilentListener implements BusListener {
        @Override
        public void onOpen(RedisLink link) {}

        @Override
        public void onCommand(RedisLink link, org.myelin.protocol.Command command) {}

        @Override
        public void onCatchUpNeeded(RedisLink link, java.util.Set<String> streams) {}

        @Override
        public void onClose(RedisLink link, String reason) {}
    }
}
