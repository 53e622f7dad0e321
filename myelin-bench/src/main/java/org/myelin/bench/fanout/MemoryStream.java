package org.myelin.bench.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;

/**
 * A stream kept in memory only: the last {@code capacity} rows in a ring, one token per row. What
 * the streamer costs without a store. The writer waits (parks) rather than overwrite a row the
 * streamer has not read yet, so nothing is ever lost.
 */
final class MemoryStream implements UpdateFunction {
    private final String name;
    private final RawJson[] ring;
    private final int mask;
    private volatile long current;
    /** The streamer's last {@code fromToken}: every row after it may still be read. */
    private volatile long readFrom;

    MemoryStream(String name, int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        this.name = name;
        this.ring = new RawJson[capacityPowerOfTwo];
        this.mask = capacityPowerOfTwo - 1;
    }

    OutboundStream outbound() {
        return new OutboundStream(name, () -> current, this);
    }

    /** Appends one row (single writer thread); its token is the returned value. */
    long append(RawJson row) {
        long token = current + 1;
        while (token - readFrom > ring.length) {
            LockSupport.parkNanos(20_000);
        }
        ring[(int) (token & mask)] = row;
        current = token;
        return token;
    }

    long current() {
        return current;
    }

    @Override
    public UpdateBatch getUpdates(String instance, long fromToken, long uptoToken, int limit) {
        readFrom = fromToken;
        long upto = Math.min(uptoToken, fromToken + limit);
        List<StreamRow> rows = new ArrayList<>((int) (upto - fromToken));
        for (long t = fromToken + 1; t <= upto; t++) {
            rows.add(new StreamRow(t, ring[(int) (t & mask)]));
        }
        return new UpdateBatch(rows, upto, upto < uptoToken);
    }
}
