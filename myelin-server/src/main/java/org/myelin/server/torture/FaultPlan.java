package org.myelin.server.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The deterministic fault schedule of a seed: rounds in which every {@link FaultKind} occurs once,
 * in a shuffled order, a few seconds apart. The same seed, duration and worker count always give
 * the same plan (the timing of its execution on a loaded machine may still vary).
 */
public final class FaultPlan {
    /** Faults start after this much load, so that every worker has connected once. */
    static final Duration FIRST_FAULT = Duration.ofSeconds(4);

    private FaultPlan() {
    }

    /**
     * Plans faults in {@code [FIRST_FAULT, window)}.
     *
     * @param seed the seed
     * @param window how long the load runs
     * @param workers how many workers there are (at least 1)
     * @param kinds the kinds of fault to plan (each once per round)
     */
    public static List<Fault> of(long seed, Duration window, int workers, Set<FaultKind> kinds) {
        Random random = new Random(seed);
        List<Fault> plan = new ArrayList<>();
        long at = FIRST_FAULT.toMillis();
        while (true) {
            List<FaultKind> round = new ArrayList<>(new TreeSet<>(kinds)); // enum order: the same seed, the same plan
            Collections.shuffle(round, random);
            for (FaultKind kind : round) {
                long length = switch (kind) {
                    case PROXY_PAUSE, WORKER_SIGSTOP -> 2000 + random.nextInt(3001);
                    case MAIN_KILL, WORKER_SIGTERM, WORKER_KILL -> 200 + random.nextInt(1801);
                    case REPLICATE_FLOOD -> 1000 + random.nextInt(2001);
                    case REDIS_KILL -> 500 + random.nextInt(2501);
                    case LINK_CUT, REDIS_CLIENT_KILL -> 0;
                };
                if (at + length >= window.toMillis()) {
                    return List.copyOf(plan);
                }
                plan.add(new Fault(Duration.ofMillis(at), kind, random.nextInt(workers), Duration.ofMillis(length)));
                // the next fault comes after this one is over and the system had a moment to recover
                at += length + 1000 + random.nextInt(3001);
            }
        }
    }
}
