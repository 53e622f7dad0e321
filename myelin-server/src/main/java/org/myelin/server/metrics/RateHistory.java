package org.myelin.server.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The recent rates of a few counters (rows, commands in, commands out), sampled at a fixed period
 * into a bounded ring, so that a dashboard opened now shows the last minutes and {@code myelin
 * status} can say "rows/s over the last minute". {@link #sample} is called by a ticker (or a test,
 * with its own clock); reads may come from any thread.
 */
public final class RateHistory {
    /** Seconds between samples. */
    public static final int PERIOD_SECONDS = 2;
    /** Samples kept: ten minutes. */
    public static final int CAPACITY = 300;

    private final Map<String, LongSupplier> counters = new LinkedHashMap<>();
    private final String[] names;
    private final long[] last;
    private long lastMillis = -1;
    /** Ring of (time, rate per counter...) rows; guarded by this. */
    private final double[][] ring = new double[CAPACITY][];
    private int next;
    private int size;

    /** @param counters name to cumulative counter, in display order */
    public RateHistory(Map<String, LongSupplier> counters) {
        this.counters.putAll(counters);
        this.names = this.counters.keySet().toArray(String[]::new);
        this.last = new long[names.length];
    }

    /** Reads every counter; from the second call on, stores the rates since the previous call. */
    public synchronized void sample(long nowMillis) {
        long[] now = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            now[i] = counters.get(names[i]).getAsLong();
        }
        if (lastMillis >= 0 && nowMillis > lastMillis) {
            double seconds = (nowMillis - lastMillis) / 1000.0;
            double[] row = new double[names.length + 1];
            row[0] = nowMillis;
            for (int i = 0; i < names.length; i++) {
                row[i + 1] = Math.max(0, now[i] - last[i]) / seconds;
            }
            ring[next] = row;
            next = (next + 1) % CAPACITY;
            size = Math.min(CAPACITY, size + 1);
        }
        System.arraycopy(now, 0, last, 0, names.length);
        lastMillis = nowMillis;
    }

    /** The mean rate per second of {@code name} over the samples of the last {@code seconds}; 0 without any. */
    public synchronized double meanRate(String name, int seconds) {
        int column = column(name);
        int n = Math.min(size, Math.max(1, seconds / PERIOD_SECONDS));
        if (n == 0 || size == 0) {
            return 0;
        }
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += ring[(next - k + CAPACITY) % CAPACITY][column];
        }
        return sum / n;
    }

    /**
     * Writes {@code {"period_s": 2, "names": [...], "samples": [[t_ms, rate...], ...], "last_minute": {...}}}
     * into {@code node}, oldest sample first.
     */
    public synchronized void putJson(ObjectNode node) {
        node.put("period_s", PERIOD_SECONDS);
        ArrayNode nameArray = node.putArray("names");
        for (String name : names) {
            nameArray.add(name);
        }
        ArrayNode samples = node.putArray("samples");
        for (int k = size; k >= 1; k--) {
            double[] row = ring[(next - k + CAPACITY) % CAPACITY];
            ArrayNode r = samples.addArray();
            r.add((long) row[0]);
            for (int i = 1; i < row.length; i++) {
                r.add(Math.round(row[i] * 10) / 10.0);
            }
        }
        ObjectNode minute = node.putObject("last_minute");
        for (String name : names) {
            minute.put(name, Math.round(meanRate(name, 60) * 10) / 10.0);
        }
    }

    private int column(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i + 1;
            }
        }
        throw new IllegalArgumentException("no counter " + name);
    }
}
