package org.myelin.server.torture;

/** The faults the torture run injects; every kind is injected at least once per round of the plan. */
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
    REPLICATE_FLOOD
}
