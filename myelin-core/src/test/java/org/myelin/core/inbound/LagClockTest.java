package org.myelin.core.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lag in milliseconds: the age of the oldest position announced and not handled yet. */
class LagClockTest {
    private static final long MS = 1_000_000;

    @Test
    void isZeroWhenEverythingAnnouncedWasHandled() {
        LagClock clock = new LagClock();
        assertThat(clock.lagMillis(5_000 * MS)).isZero();
        clock.announced(5, 0);
        clock.handled(5);
        assertThat(clock.lagMillis(5_000 * MS)).isZero();
    }

    @Test
    void isTheAgeOfTheOldestPositionNotHandledYet() {
        LagClock clock = new LagClock();
        clock.handled(3);
        clock.announced(5, 0);
        clock.announced(8, 500 * MS);
        assertThat(clock.lagMillis(1_000 * MS)).isEqualTo(1_000);
        clock.handled(5);
        assertThat(clock.lagMillis(1_000 * MS)).isEqualTo(500);
        clock.handled(7);
        assertThat(clock.lagMillis(1_200 * MS)).isEqualTo(700);
        clock.handled(8);
        assertThat(clock.lagMillis(1_200 * MS)).isZero();
    }

    @Test
    void positionsAlreadyHandledOrRepeatedAddNothing() {
        LagClock clock = new LagClock();
        clock.handled(10);
        clock.announced(10, 0);
        clock.announced(9, 0);
        assertThat(clock.lagMillis(100 * MS)).isZero();
        clock.announced(12, 10 * MS);
        clock.announced(12, 50 * MS);
        assertThat(clock.lagMillis(100 * MS)).isEqualTo(90);
    }

    @Test
    void aStreamResetForgetsWhatWasWaiting() {
        LagClock clock = new LagClock();
        clock.handled(1);
        clock.announced(100, 0);
        clock.announced(2, 900 * MS); // the writer's stream went back: a POSITION below what it said
        assertThat(clock.lagMillis(1_000 * MS)).isEqualTo(100);
        clock.handled(2);
        assertThat(clock.lagMillis(1_000 * MS)).isZero();
    }

    @Test
    void aLongBacklogIsBoundedAndReadsNoYoungerThanItIs() {
        LagClock clock = new LagClock();
        clock.handled(0);
        for (int i = 1; i <= 10 * LagClock.MAX_ENTRIES; i++) {
            clock.announced(i, i * MS);
        }
        assertThat(clock.lagMillis(20_000 * MS)).isEqualTo(19_999);
        // past the bound the last entry moved up, keeping its older time
        clock.handled(10L * LagClock.MAX_ENTRIES - 1);
        assertThat(clock.lagMillis(20_000 * MS)).isGreaterThanOrEqualTo(20_000 - 10L * LagClock.MAX_ENTRIES);
        clock.handled(10L * LagClock.MAX_ENTRIES);
        assertThat(clock.lagMillis(20_000 * MS)).isZero();
    }
}
