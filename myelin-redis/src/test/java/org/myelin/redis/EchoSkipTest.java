package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Command;

/**
 * A listener naming the instance it ignores never sees that instance's RDATA or POSITION (its own
 * echoes), but still every other command, and every message is counted as received.
 */
class EchoSkipTest {
    @Test
    void ownStreamCommandsAreSkippedOthersDelivered() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        BusListener listener = new BusListener() {
            @Override
            public void onOpen(RedisLink link) {}

            @Override
            public void onCommand(RedisLink link, Command command) {
                heard.add(command.name() + " " + String.valueOf(RedisLink.streamOf(command)));
            }

            @Override
            public void onCatchUpNeeded(RedisLink link, Set<String> streams) {}

            @Override
            public void onClose(RedisLink link, String reason) {}

            @Override
            public String ignoredInstance() {
                return "master";
            }
        };
        try (RedisServer redis = RedisServer.start();
                RedisTransport transport = RedisTransport.start(RedisTransport.parseUri(redis.uri()), Bus.settings(),
                        listener)) {
            transport.firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
            RedisClient client = RedisClient.create(redis.uri());
            try (StatefulRedisConnection<String, String> pub = client.connect()) {
                for (String line : List.of("RDATA events master 1 [1]", "POSITION events master 1 2",
                        "RDATA events other 7 [7]", "POSITION typing other 3 4", "REPLICATE")) {
                    pub.sync().publish(Bus.SERVER, line);
                }
            } finally {
                client.shutdown();
            }
            await().atMost(Bus.WAIT).until(() -> heard.size() >= 3);
            assertThat(heard).containsExactly("RDATA events", "POSITION typing", "REPLICATE null");
            assertThat(transport.metrics().received()).isEqualTo(5);
            assertThat(transport.metrics().parseFailures()).isZero();
        }
    }
}
