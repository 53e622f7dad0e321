package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesUpToTheCapAndResetsOnlyWhenAsked() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.0, () -> 0.5);
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            delays.add(backoff.next().toMillis());
        }
        assertThat(delays).containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
        assertThat(backoff.peek()).isEqualTo(Duration.ofSeconds(1));
        backoff.reset();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void jitterOnlyShortensTheDelay() {
        Backoff low = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, () -> 0.0);
        Backoff high = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, () -> 0.999_999);
        assertThat(low.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(high.next().toMillis()).isBetween(80L, 81L);
    }

    @Test
    void neverOverflowsAfterManyFailures() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofDays(1), 0.0, () -> 0.0);
        Duration last = Duration.ZERO;
        for (int i = 0; i < 200; i++) {
            last = backoff.next();
        }
        assertThat(last).isEqualTo(Duration.ofDays(1));
    }
}
