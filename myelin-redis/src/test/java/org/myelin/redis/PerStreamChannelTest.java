package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.redis.Bus.Delivered;
import org.myelin.redis.Bus.Worker;
import org.myelin.redis.Bus.Writer;

/** Optional per-stream channels: stream commands leave the main channel; readers subscribe to theirs. */
class PerStreamChannelTest {
    @TempDir
    Path dir;

    @Test
    void rowsGoOnTheirStreamsChannel() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir);
                RecordingSubscriber mainChannel = RecordingSubscriber.start(redis.uri(), Bus.SERVER)) {
            Writer writer = bus.writer(Bus.settings().withPerStreamChannels(Set.of()), "events", "typing");
            writer.transport().firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Worker one = bus.worker(redis.uri(), Bus.settings().withPerStreamChannels(Set.of("events")), "one",
                    OptionalLong.of(0), "events");
            Worker all = bus.worker(redis.uri(), Bus.settings().withPerStreamChannels(Set.of()), "all",
                    OptionalLong.of(0), "events", "typing");
            one.transport.established().toCompletableFuture().get(60, TimeUnit.SECONDS);
            all.transport.established().toCompletableFuture().get(60, TimeUnit.SECONDS);
            writer.append("events", false, "[1]");
            writer.append("typing", false, "[\"t\"]");
            writer.append("events", false, "[2]");
            await().atMost(Bus.WAIT).until(() -> one.rows("events").size() == 2 && all.rows("events").size() == 2
                    && all.rows("typing").size() == 1);
            assertThat(one.rows("events")).extracting(Delivered::row).containsExactly("[1]", "[2]");
            assertThat(one.rows("typing")).isEmpty();
            assertThat(mainChannel.messages()).noneMatch(m -> m.startsWith("RDATA") || m.startsWith("POSITION"))
                    .contains("REPLICATE");
        }
    }
}
