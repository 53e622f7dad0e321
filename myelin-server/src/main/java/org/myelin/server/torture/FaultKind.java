package org.myelin.server.torture;

import java.util.EnumSet;
import java.util.Set;

/** The faults the torture run injects; every kind of the run's set is injected once per round of the plan. */
public enum FaultKind {
    /** The harness's TCP proxy between a worker and the main resets both sides of the link. */
    LINK_CUT,
    /** The proxy stops reading from the main's side for a few seconds (the main sees a stalled worker). */
    PROXY_PAUSE,
    /** The worker process is frozen with SIGSTOP for a few seconds, then SIGCONT. */
    WORKER_SIGSTOP,
    /** The writer is killed with SIGKILL and restarted on the same data directory and ports. */
    MAIN_KILL,
    /** A worker is stopped with SIGTERM and restarted after the last row it printed. */
    WORKER_SIGTERM,
    /** A worker is killed with SIGKILL and restarted after the last complete token it printed. */
    WORKER_KILL,
    /** A raw client sends NAME and thousands of REPLICATE to the main and never reads. */
    REPLICATE_FLOOD,
    /** {@code redis-server} is killed with {@code kill -9} and restarted on the same port (empty). */
    REDIS_KILL,
    /** Every Redis client connection (the workers' and the main's) is cut with {@code CLIENT KILL}. */
    REDIS_CLIENT_KILL;

    /** The faults of a run over TCP (through the harness's proxies). */
    public static final Set<FaultKind> TCP = Set.copyOf(EnumSet.range(LINK_CUT, REPLICATE_FLOOD));
    /** The faults of a {@code --redis} run: Redis itself and the processes (no proxy on the bus). */
    public static final Set<FaultKind> REDIS = Set.copyOf(EnumSet.of(REDIS_KILL, REDIS_CLIENT_KILL, WORKER_SIGSTOP,
            MAIN_KILL, WORKER_SIGTERM, WORKER_KILL));
}
