package org.myelin.server.torture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        assertThat(FaultPlan.of(42, Duration.ofMinutes(2), 3, FaultKind.TCP))
                .isEqualTo(FaultPlan.of(42, Duration.ofMinutes(2), 3, FaultKind.TCP));
        assertThat(FaultPlan.of(43, Duration.ofMinutes(2), 3, FaultKind.TCP))
                .isNotEqualTo(FaultPlan.of(42, Duration.ofMinutes(2), 3, FaultKind.TCP));
    }

    @Test
    void everyKindComesOnceInTheFirstRoundAndFaultsStayInTheWindowInOrder() {
        for (Set<FaultKind> kinds : List.of(FaultKind.TCP, FaultKind.REDIS)) {
            for (long seed = 0; seed < 50; seed++) {
                List<Fault> plan = FaultPlan.of(seed, Duration.ofSeconds(100), 3, kinds);
                EnumSet<FaultKind> firstRound = EnumSet.noneOf(FaultKind.class);
                plan.subList(0, kinds.size()).forEach(f -> firstRound.add(f.kind()));
                assertThat(firstRound).as("seed %d", seed).isEqualTo(kinds);
                assertThat(plan).allMatch(f -> kinds.contains(f.kind()));
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

    @Test
    void theTcpKindsAndTheRedisKindsAreTheDocumentedSets() {
        assertThat(FaultKind.TCP).containsExactlyInAnyOrder(FaultKind.LINK_CUT, FaultKind.PROXY_PAUSE,
                FaultKind.WORKER_SIGSTOP, FaultKind.MAIN_KILL, FaultKind.WORKER_SIGTERM, FaultKind.WORKER_KILL,
                FaultKind.REPLICATE_FLOOD);
        assertThat(FaultKind.REDIS).containsExactlyInAnyOrder(FaultKind.REDIS_KILL, FaultKind.REDIS_CLIENT_KILL,
                FaultKind.WORKER_SIGSTOP, FaultKind.MAIN_KILL, FaultKind.WORKER_SIGTERM, FaultKind.WORKER_KILL);
    }
}
