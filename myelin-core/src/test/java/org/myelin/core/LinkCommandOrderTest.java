package org.myelin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Command;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.UserSyncCommand;

/**
 * Non-stream commands (issue 12, F10): handled per link in arrival order, on bounded threads, with
 * reading paused while a link's queue is full.
 */
class LinkCommandOrderTest {

    @Test
    void aBurstFromOnePeerIsHandledInOrderOnBoundedThreadsAndPausesReading() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<RecordingConnection, List<String>> seen = new ConcurrentHashMap<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        try (ReplicationEngine engine = ReplicationEngine.builder("master")
                .maxQueuedPerLink(1000)
                .threads(2, 3)
                .onCommand((connection, command) -> {
                    release.await();
                    seen.computeIfAbsent((RecordingConnection) connection, c -> new CopyOnWriteArrayList<>())
                            .add(key(command));
                    threads.add(Thread.currentThread().getName());
                })
                .build()) {
            List<RecordingConnection> links = new ArrayList<>();
            for (int l = 0; l < 5; l++) {
                RecordingConnection link = new RecordingConnection("w" + l);
                links.add(link);
                engine.connected(link);
            }
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                Command c = i % 2 == 0 ? new UserSyncCommand("w", "@u" + i + ":x", null, true, i)
                        : new RemoteServerUpCommand("s" + i + ".test");
                sent.add(key(c));
                engine.received(links.get(0), c);
                if (i < 100) {
                    for (RecordingConnection other : links.subList(1, links.size())) {
                        engine.received(other, c);
                    }
                }
            }
            // Only the bounded pools' threads exist, however many commands wait.
            assertThat(engine.backgroundThreads()).isLessThanOrEqualTo(5);
            assertThat(links.get(0).reading).startsWith(false);
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.containsKey(links.get(0))
                    && seen.get(links.get(0)).size() == 100_000);
            assertThat(seen.get(links.get(0))).isEqualTo(sent);
            for (RecordingConnection other : links.subList(1, links.size())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey(other)
                        && seen.get(other).size() == 100);
                assertThat(seen.get(other)).isEqualTo(sent.subList(0, 100));
            }
            assertThat(links.get(0).reading).endsWith(true);
            assertThat(engine.commandPauses()).isPositive();
            assertThat(threads.stream().distinct().count()).isLessThanOrEqualTo(3);
            assertThat(engine.taskStats().get("replication-USER_SYNC").started()).isEqualTo(50_000 + 200);
        }
    }

    private static String key(Command c) {
        return c.toString();
    }
}
