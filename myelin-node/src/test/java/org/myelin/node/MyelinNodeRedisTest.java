package org.myelin.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.RawJson;
import org.myelin.redis.RedisServer;

/** The facade's Redis transport against a real redis-server of the test's own. */
class MyelinNodeRedisTest {
    @TempDir
    Path dir;

    @Test
    void aWriterAndAWorkerOverRedis() throws Exception {
        try (RedisServer redis = RedisServer.start();
                MyelinNode writer = Myelin.writer("master").writeTo(dir.resolve("main")).serverName("example.org")
                        .redis(redis.uri()).start()) {
            writer.append("events", List.of(RawJson.of("[1]")));
            List<Long> tokens = new CopyOnWriteArrayList<>();
            try (MyelinNode worker = Myelin.worker("w1").serverName("example.org").redis(redis.uri())
                    .catchUpFrom(dir.resolve("main")).follow("events").resumeFrom(0)
                    .onRows((stream, instance, token, rows) -> tokens.add(token)).start()) {
                worker.established().get(60, TimeUnit.SECONDS);
                writer.append("events", List.of(RawJson.of("[2]"), RawJson.of("[3]")));
                await().atMost(Duration.ofSeconds(60)).until(() -> tokens.equals(List.of(1L, 2L, 3L)));
                assertThat(worker.redis()).isPresent();
                assertThat(worker.tcpClient()).isEmpty();
            }
        }
    }

    @Test
    void aBadRedisUriIsRefusedAtOnce() {
        assertThatThrownBy(() -> Myelin.worker("w").redis("http://nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redis URI");
    }
}
