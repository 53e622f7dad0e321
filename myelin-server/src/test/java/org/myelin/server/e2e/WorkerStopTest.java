package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.protocol.RawJson;
import org.myelin.server.cli.HostPort;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A worker stops promptly, even in the middle of catching up a large backlog. */
class WorkerStopTest {
    private static final Logger log = LoggerFactory.getLogger(WorkerStopTest.class);
    private static final int BACKLOG = 200_000;

    @TempDir
    Path data;

    @Test
    void closingAWorkerMidCatchUpReturnsWithinASecondAndNothingIsDeliveredAfter() throws Exception {
        try (Cluster cluster = new Cluster(data, Cluster.FAST)) {
            for (int done = 0; done < BACKLOG; done += 10_000) {
                List<RawJson> rows = new ArrayList<>(10_000);
                for (int i = done + 1; i <= done + 10_000; i++) {
                    rows.add(RawJson.of("[" + i + "]"));
                }
                cluster.main.append("events", rows, false);
            }
            AtomicLong delivered = new AtomicLong();
            AtomicLong afterClose = new AtomicLong();
            AtomicBoolean closed = new AtomicBoolean();
            WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig("slow",
                    new HostPort("127.0.0.1", cluster.main.tcpPort()), "test.local",
                    new CatchUpSource.SharedFile(data), ResumePositions.everyStreamFrom(0), List.of("events"),
                    Cluster.FAST), (stream, instance, token, rows) -> {
                        if (closed.get()) {
                            afterClose.incrementAndGet();
                        }
                        delivered.incrementAndGet();
                        TimeUnit.MICROSECONDS.sleep(100); // a slow-ish handler: 200,000 rows take 20 s or more
                    });
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered.get() > 2_000);
            long start = System.nanoTime();
            worker.close();
            closed.set(true);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            long at = delivered.get();
            log.warn("closed mid-catch-up after {} of {} rows in {} ms", at, BACKLOG, millis);
            assertThat(at).as("still catching up when closed").isLessThan(BACKLOG);
            assertThat(millis).as("close() took %d ms", millis).isLessThan(1_000);
            // nothing arrives afterwards either (the engine's threads are gone)
            assertThat(afterClose.get()).isZero();
            assertThat(delivered.get()).isEqualTo(at);
        }
    }
}
