package org.myelin.server.torture;

import java.time.Duration;

/**
 * One planned fault.
 *
 * @param at when it is due, from the start of the load
 * @param kind what is done
 * @param worker the index of the worker it targets (ignored by faults of the main)
 * @param length how long a pause lasts, or how long a killed process stays down, or how long the
 *     flood link is held open
 */
public record Fault(Duration at, FaultKind kind, int worker, Duration length) {
    @Override
    public String toString() {
        return String.format("%s@%.1fs(worker %d, %d ms)", kind, at.toMillis() / 1000.0, worker, length.toMillis());
    }
}
