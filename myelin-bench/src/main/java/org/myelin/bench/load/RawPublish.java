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
import java.util.function.Consumer;
import java.util.function.IntFunction;
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
        CountDownLatch done = new CountDownLatch(subscribers);
        RowFormat format = new RowFormat(rowBytes);
        return withSubscribers(uri, subscribers, i -> {
            AtomicLong received = new AtomicLong();
            return message -> {
                if (received.incrementAndGet() == messages) {
                    done.countDown();
                }
            };
        }, (pub, ch) -> {
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
            awaitDelivery(done, timeout, "raw PUBLISH baseline", messages);
            return (double) messages * subscribers / ((System.nanoTime() - start) / 1e9);
        });
    }

    /**
     * The latency floor of a Redis bus at a fixed rate: one connection PUBLISHes lines of the size
     * Myelin sends at {@code rowsPerSecond} (one PUBLISH and one flush per row, as Myelin's publisher
     * flushes per burst), each row stamped with the {@link System#nanoTime()} of its PUBLISH call (as
     * Myelin's bench stamps each append call); {@code subscribers} plain subscribers record arrival
     * minus that stamp. Nothing of Myelin in the way: what this Redis, this client library and this
     * machine allow.
     */
    static LatencySummary latency(RedisURI uri, int subscribers, int messages, int rowBytes, String stream,
            int rowsPerSecond, Duration timeout) {
        CountDownLatch done = new CountDownLatch(subscribers);
        List<long[]> samples = new ArrayList<>();
        RowFormat format = new RowFormat(rowBytes);
        return withSubscribers(uri, subscribers, i -> {
            long[] latencies = new long[messages];
            samples.add(latencies);
            int[] received = new int[1]; // one Lettuce event loop thread per connection
            return message -> {
                long now = System.nanoTime();
                String line = new String(message, StandardCharsets.UTF_8);
                if (received[0] < messages) {
                    latencies[received[0]++] = now - RowFormat.writeNanos(line.substring(line.indexOf('[')));
                    if (received[0] == messages) {
                        done.countDown();
                    }
                }
            };
        }, (pub, ch) -> {
            Pacer pacer = new Pacer(rowsPerSecond, System.nanoTime());
            for (int i = 0; i < messages; i++) {
                pacer.awaitTurn(i);
                byte[] line = CommandCodec.encode(new RdataCommand(stream, "master", (long) i + 1,
                        RawJson.of(format.row(i, System.nanoTime())))).getBytes(StandardCharsets.UTF_8);
                pub.async().publish(ch, line);
                pub.flushCommands();
            }
            awaitDelivery(done, timeout, "raw PUBLISH latency baseline", messages);
            return LatencySummary.of(samples);
        });
    }

    /** What a baseline does with its publisher (auto-flush off) once the subscribers listen on {@code channel}. */
    @FunctionalInterface
    private interface Publishing<T> {
        T run(StatefulRedisConnection<byte[], byte[]> pub, byte[] channel) throws InterruptedException;
    }

    /**
     * Subscribes {@code subscribers} plain connections to a fresh channel (subscriber i's messages go
     * to {@code handlers.apply(i)}), runs {@code publishing} on a publisher connection, and closes
     * everything whatever happens.
     */
    private static <T> T withSubscribers(RedisURI uri, int subscribers, IntFunction<Consumer<byte[]>> handlers,
            Publishing<T> publishing) {
        RedisClient client = RedisClient.create(uri);
        List<StatefulRedisPubSubConnection<byte[], byte[]>> subs = new ArrayList<>();
        try {
            String channel = "myelin-bench-raw-" + System.nanoTime();
            subs.addAll(subscribe(client, channel, subscribers, handlers));
            try (StatefulRedisConnection<byte[], byte[]> pub = client.connect(ByteArrayCodec.INSTANCE)) {
                pub.setAutoFlushCommands(false);
                return publishing.run(pub, channel.getBytes(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchFailure("interrupted");
        } finally {
            subs.forEach(StatefulRedisPubSubConnection::close);
            client.shutdown();
        }
    }

    /** Subscribes {@code n} plain connections to {@code channel}; subscriber i's messages go to {@code handlers.apply(i)}. */
    private static List<StatefulRedisPubSubConnection<byte[], byte[]>> subscribe(RedisClient client, String channel, int n,
            IntFunction<Consumer<byte[]>> handlers) {
        List<StatefulRedisPubSubConnection<byte[], byte[]>> subs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StatefulRedisPubSubConnection<byte[], byte[]> sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
            Consumer<byte[]> handler = handlers.apply(i);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] ch, byte[] message) {
                    handler.accept(message);
                }
            });
            sub.sync().subscribe(channel.getBytes(StandardCharsets.UTF_8));
            subs.add(sub);
        }
        return subs;
    }

    private static void awaitDelivery(CountDownLatch done, Duration timeout, String what, int messages)
            throws InterruptedException {
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new BenchFailure(what + ": not every subscriber received " + messages + " messages within "
                    + timeout.toSeconds() + " s");
        }
    }
}
