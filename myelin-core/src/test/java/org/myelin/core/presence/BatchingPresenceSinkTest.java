package org.myelin.core.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchingPresenceSinkTest {
    static PresenceRow row(int i) {
        return new PresenceRow("@u" + i + ":x", "online", i, i, i, null, true);
    }

    @Test
    void rowsQueuedDuringAnAppendGoOutTogetherInOrder() throws Exception {
        List<List<PresenceRow>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (BatchingPresenceSink sink = new BatchingPresenceSink("test-presence", 100, 50, batch -> {
            batches.add(batch);
            firstStarted.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            sink.publish(row(0));
            assertThat(firstStarted.await(60, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 120; i++) {
                if (i == 100) {
                    release.countDown(); // the queue holds 100: let the appender go on
                }
                sink.publish(row(i));
            }
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> batches.stream().mapToInt(List::size).sum() == 121);
            assertThat(batches.get(0)).hasSize(1);
            assertThat(batches.get(1)).hasSize(50);
            assertThat(batches.stream().flatMap(List::stream).map(r -> r.lastActiveTs()).toList())
                    .isSorted().hasSize(121);
        }
    }

    @Test
    void aFailedAppendIsCountedAndTheNextOneGoesOn() {
        List<PresenceRow> ok = new CopyOnWriteArrayList<>();
        BatchingPresenceSink sink = new BatchingPresenceSink("test-presence", 10, 1, batch -> {
            if (batch.get(0).lastActiveTs() == 1) {
                throw new IllegalStateException("disk full");
            }
            ok.addAll(batch);
        });
        sink.publish(row(1));
        sink.publish(row(2));
        await().atMost(Duration.ofSeconds(60)).until(() -> ok.size() == 1);
        assertThat(sink.failedRows()).isEqualTo(1);
        sink.close();
        assertThatThrownBy(() -> sink.publish(row(3))).isInstanceOf(IllegalStateException.class);
    }
}
