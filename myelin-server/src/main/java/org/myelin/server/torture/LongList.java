package org.myelin.server.torture;

import java.util.Arrays;

/** A growable array of longs (rows are counted in the hundreds of thousands: no boxing). */
final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    long get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }
}
