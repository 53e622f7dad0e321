package org.myelin.tcp;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Awaitility tuned for loopback tests: check at once, then often. */
final class Waits {
    private Waits() {}

    static ConditionFactory waitUpTo(Duration atMost) {
        return Awaitility.await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    static ConditionFactory eventually() {
        return waitUpTo(Duration.ofSeconds(5));
    }
}
