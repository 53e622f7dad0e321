package org.myelin.core;

import java.util.ArrayList;
import java.util.List;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;

/** A writer's stream kept in memory, with the update-function contract of PROTOCOL.md section 3. */
public final class MemoryStream implements UpdateFunction {
    private final String name;
    private final List<StreamRow> rows = new ArrayList<>();
    private long current;
    private volatile RuntimeException failure;

    public MemoryStream(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Appends rows sharing one new token and returns it. */
    public synchronized long append(String... json) {
        long token = current + 1;
        for (String j : json) {
            rows.add(new StreamRow(token, RawJson.of(j)));
        }
        current = token;
        return token;
    }

    /** Moves the token on without rows (as Synapse does for streams with gaps). */
    public synchronized void advanceTo(long token) {
        current = token;
    }

    public synchronized long currentToken() {
        return current;
    }

    public synchronized List<StreamRow> rows() {
        return List.copyOf(rows);
    }

    /** Makes every read fail until cleared (null). */
    public void failReads(RuntimeException e) {
        failure = e;
    }

    public OutboundStream outbound() {
        return new OutboundStream(name, this::currentToken, this);
    }

    @Override
    public synchronized UpdateBatch getUpdates(String instance, long from, long upto, int limit) {
        if (failure != null) {
            throw failure;
        }
        List<StreamRow> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            StreamRow r = rows.get(i);
            if (r.token() <= from || r.token() > upto) {
                continue;
            }
            if (out.size() >= limit && r.token() != out.get(out.size() - 1).token()) {
                return new UpdateBatch(out, out.get(out.size() - 1).token(), true);
            }
            out.add(r);
        }
        return new UpdateBatch(out, upto, false);
    }
}
