package org.myelin.server.torture;

import java.util.Map;

/**
 * What was checked of one worker.
 *
 * @param name its name
 * @param runs how many processes it took (1 + restarts)
 * @param lastPrinted per stream, the last token it printed
 * @param rowsChecked rows it printed that were checked against the store (all streams)
 */
public record WorkerResult(String name, int runs, Map<String, Long> lastPrinted, long rowsChecked) {
    public WorkerResult {
        lastPrinted = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lastPrinted));
    }
}
