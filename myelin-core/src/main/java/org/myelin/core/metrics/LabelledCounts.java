package org.myelin.core.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of rare events by a short label (why a link closed, why a client reconnected): a map
 * lookup per event, so not for the hot path. Bounded: past {@link #MAX_LABELS} labels new ones are
 * counted under {@code other}.
 */
public final class LabelledCounts {
    /** The most distinct labels kept apart. */
    public static final int MAX_LABELS = 100;

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one event labelled {@code label}. */
    public void increment(String label) {
        LongAdder adder = counts.get(label);
        if (adder == null) {
            adder = counts.computeIfAbsent(counts.size() >= MAX_LABELS ? "other" : label, k -> new LongAdder());
        }
        adder.increment();
    }

    /** Every label counted so far and its count, sorted by label. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((label, n) -> out.put(label, n.sum()));
        return out;
    }
}
