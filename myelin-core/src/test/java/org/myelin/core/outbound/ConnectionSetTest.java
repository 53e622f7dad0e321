package org.myelin.core.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.myelin.core.RecordingConnection;
import org.myelin.core.link.ReplicationConnection;

class ConnectionSetTest {
    @Test
    void anIterationAfterAChangeSeesIt() {
        ConnectionSet set = new ConnectionSet();
        RecordingConnection a = new RecordingConnection("a");
        RecordingConnection b = new RecordingConnection("b");
        assertThat(set.current()).isEmpty();
        set.add(a);
        assertThat(set.current()).containsExactly(a);
        set.add(b);
        assertThat(set.current()).containsExactlyInAnyOrder(a, b);
        set.remove(a);
        assertThat(set.current()).containsExactly(b);
        set.remove(b);
        assertThat(set.current()).isEmpty();
    }

    @Test
    void noChangeNoNewArray() {
        ConnectionSet set = new ConnectionSet();
        set.add(new RecordingConnection("a"));
        ReplicationConnection[] first = set.current();
        assertThat(set.current()).isSameAs(first);
    }

    @Test
    void changesRacingWithIterationsAreNeverLost() throws Exception {
        ConnectionSet set = new ConnectionSet();
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        List<RecordingConnection> kept = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<RecordingConnection> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(new RecordingConnection("c" + t + "-" + i));
            }
            kept.addAll(mine.subList(0, perThread / 2));
            done.add(pool.submit(() -> {
                go.await();
                for (RecordingConnection c : mine) {
                    set.add(c);
                }
                for (RecordingConnection c : mine.subList(perThread / 2, perThread)) {
                    set.remove(c);
                }
                return null;
            }));
        }
        go.countDown();
        while (done.stream().anyMatch(f -> !f.isDone())) {
            set.current(); // the streamer iterating while links open and close
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(set.current()).containsExactlyInAnyOrderElementsOf(kept);
    }
}
