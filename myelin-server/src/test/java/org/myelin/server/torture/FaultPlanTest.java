package org.myelin.server.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        assertThat(FaultPlan.of(42, Duration.ofMinutes(2), 3)).isEqualTo(FaultPlan.of(42, Duration.ofMinutes(2), 3));
        assertThat(FaultPlan.of(43, Duration.ofMinutes(2), 3)).isNotEqualTo(FaultPlan.of(42, Duration.ofMinutes(2), 3));
    }

    @Test
    void everyKindComesOnceInTheFirstRoundAndFaultsStayInTheWindowInOrder() {
        for (long seed = 0; seed < 50; seed++) {
            List<Fault> plan = FaultPlan.of(seed, Duration.ofSeconds(100), 3);
            EnumSet<FaultKind> firstRound = EnumSet.noneOf(FaultKind.class);
            plan.subList(0, FaultKind.values().length).forEach(f -> firstRound.add(f.kind()));
            assertThat(firstRound).as("seed %d", seed).containsExactlyInAnyOrder(FaultKind.values());
            Duration previousEnd = Duration.ZERO;
            for (Fault f : plan) {
                assertThat(f.at()).isGreaterThanOrEqualTo(previousEnd);
                assertThat(f.at().plus(f.length())).isLessThan(Duration.ofSeconds(100));
                assertThat(f.worker()).isBetween(0, 2);
                previousEnd = f.at().plus(f.length());
            }
        }
    }
}
