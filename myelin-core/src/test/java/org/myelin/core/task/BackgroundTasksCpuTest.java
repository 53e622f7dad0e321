package org.myelin.core.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundTasksCpuTest {
    @Test
    void aBusyTaskIsChargedItsCpuTimeAndAnIdleOneAlmostNone() throws Exception {
        assumeThat(PoolCpu.SUPPORTED).as("thread CPU time readable on this JVM").isTrue();
        try (BackgroundTasks tasks = new BackgroundTasks("cpu-test", Duration.ofSeconds(5), 2)) {
            // long enough for the pool's own user share to be trusted (PoolCpu.TRUSTED_NANOS_PER_THREAD
            // per thread of the pool): below it the process's share stands in, and a test JVM that
            // has done much network I/O before this test has mostly system time
            tasks.run("spin", () -> spinCpu(PoolCpu.TRUSTED_NANOS_PER_THREAD * 2 + 50_000_000L))
                    .get(10, TimeUnit.SECONDS);
            tasks.run("sleep", () -> Thread.sleep(60)).get(10, TimeUnit.SECONDS);
            // the future completes just before the task's counters are added
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> tasks.stats().values().stream().allMatch(s -> s.running() == 0));

            TaskStats spin = tasks.stats().get("spin");
            TaskStats sleep = tasks.stats().get("sleep");
            // a spinning thread may be descheduled on a busy machine: CPU at most the wall time
            assertThat(spin.cpuNanos()).isPositive().isLessThanOrEqualTo(spin.totalNanos() + 1_000_000);
            assertThat(sleep.totalNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos());
            assertThat(sleep.cpuNanos()).isLessThan(Duration.ofMillis(20).toNanos());

            CpuTime split = tasks.cpuTimes().get("spin");
            assertThat(split.userNanos()).isNotNegative();
            assertThat(split.systemNanos()).isNotNegative();
            assertThat(split.userNanos() + split.systemNanos()).isEqualTo(spin.cpuNanos());
            // spinning in Java is user time: the pool's ratio says so
            assertThat(split.userNanos()).isGreaterThan(split.systemNanos());
        }
    }

    @Test
    void splittingKeepsTheTotal() {
        assertThat(CpuTime.split(1001, 0.5)).satisfies(c -> assertThat(c.userNanos() + c.systemNanos()).isEqualTo(1001));
        assertThat(CpuTime.split(1000, 1)).isEqualTo(new CpuTime(1000, 0));
        assertThat(CpuTime.split(0, 0.3)).isEqualTo(new CpuTime(0, 0));
    }

    @Test
    void theProcessRatioIsAFraction() {
        assertThat(PoolCpu.processUserShare()).isBetween(0.0, 1.0);
    }

    /** Spins until this thread has used that much CPU time, however often it is descheduled. */
    private static void spinCpu(long cpuNanos) {
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = bean.getCurrentThreadCpuTime() + cpuNanos;
        long x = 0;
        while (bean.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 10_000; i++) {
                x += x * 31 + 7;
            }
        }
        if (x == 42) {
            System.out.println(x); // keeps the loop from being optimised away
        }
    }
}
