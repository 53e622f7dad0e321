package org.myelin.bench.load;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;

/**
 * The same-run baseline of the Redis benchmark: the best a client can do on this Redis, with none of
 * Myelin in the way. One connection PUBLISHes, pipelined (flushed every 1,024 commands, at most 10,000
 * unanswered, as Myelin's publisher), lines of the size Myelin sends; {@code subscribers} plain
 * subscribers count them. The rate is messages delivered to every subscriber per second.
 */
final class RawPublish {
    private static final int FLUSH_EVERY = 1024;

    private RawPublish() {}

    /** @return messages per second, from the first PUBLISH to the last message received by every subscriber */
    static double run(RedisURI uri, int subscribers, int messages, int rowBytes, String stream, Duration timeout) {
        RedisClient client = RedisClient.create(uri);
        List<StatefulRedisPubSubConnection<byte[], byte[]>> subs = new ArrayList<>();
        try {
            String channel = "myelin-bench-raw-" + System.nanoTime();
            CountDownLatch done = new CountDownLatch(subscribers);
            for (int i = 0; i < subscribers; i++) {
                StatefulRedisPubSubConnection<byte[], byte[]> sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
                AtomicLong received = new AtomicLong();
                sub.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(byte[] ch, byte[] message) {
                        if (received.incrementAndGet() == messages) {
                            done.countDown();
                        }
                    }
                });
                sub.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
                subs.add(sub);
            }
            RowFormat format = new RowFormat(rowBytes);
            byte[] ch = channel.getBytes(StandardCharsets.UTF_8);
            try (StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE)) {
                pub.setAutoFlushCommands(false);
                Semaphore inFlight = new Semaphore(10_000);
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    byte[] line = CommandCodec.encode(new RdataCommand(stream, "master", (long) i + 1,
                            RawJson.of(format.row(i, System.nanoTime())))).getBytes(StandardCharsets.UTF_8);
                    if (!inFlight.tryAcquire()) {
                        pub.flushCommands();
                        inFlight.acquire();
                    }
                    RedisFuture<Long> f = pub.async().publish(ch, line);
                    f.whenComplete((n, e) -> inFlight.release());
                    if (i % FLUSH_EVERY == FLUSH_EVERY - 1) {
                        pub.flushCommands();
                    }
                }
                pub.flushCommands();
                if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new BenchFailure("raw PUBLISH baseline: not every subscriber received " + messages
                            + " messages within " + timeout.toSeconds() + " s");
                }
                return (double) messages * subscribers / ((System.nanoTime() - start) / 1e9);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        } finally {
            subs.forEach(StatefulRedisPubSubConnection::close);
            client.shutdown();
        }
    }
}
