package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.redis.Bus.Delivered;
import org.myelin.redis.Bus.Worker;
import org.myelin.redis.Bus.Writer;

/** A publish queue far too small for the writer: discarded rows are covered by POSITIONs, never skipped. */
class PublishQueueTest {
    @TempDir
    Path dir;

    @Test
    void aFullPublishQueueNeverMakesAReaderSkipRows() throws Exception {
        try (RedisServer redis = RedisServer.start(); Bus bus = new Bus(redis, dir)) {
            Writer writer = bus.writer(Bus.settings().withPublishBounds(8, 4), "events");
            writer.transport().firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            Worker worker = bus.worker("w1", OptionalLong.of(0), "events");
            worker.transport.established().toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String[] rows = new String[50];
                for (int j = 0; j < rows.length; j++) {
                    rows[j] = "[" + i + "," + j + "]";
                    expected.add(rows[j]);
                }
                writer.append("events", false, rows); // 50 tokens at once: more than the queue holds
            }
            await().atMost(Bus.WAIT).until(() -> worker.rows("events").size() >= expected.size());
            assertThat(worker.rows("events")).extracting(Delivered::row).containsExactlyElementsOf(expected);
            assertThat(writer.transport().metrics().streamCommandsDiscarded()).isPositive();
            assertThat(worker.engine.receiver().catchUps()).isPositive();
        }
    }
}
