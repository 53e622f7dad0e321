package org.myelin.server.tap;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import org.myelin.protocol.Command;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RdataCommand;

/** Counts what a tap sees, per stream and writer, and prints it as a table. Not thread-safe. */
final class StreamSummary {
    private final Map<String, Row> rows = new TreeMap<>();
    private final Map<String, Long> others = new TreeMap<>();
    private long rdataSinceLastPrint;
    private long lastPrintNanos = System.nanoTime();

    void add(Command command) {
        if (command instanceof RdataCommand r) {
            Row row = rows.computeIfAbsent(r.stream() + " " + r.instance(), k -> new Row(r.stream(), r.instance()));
            row.rdata++;
            if (!r.isBatch()) {
                row.token = r.token();
            }
            rdataSinceLastPrint++;
        } else if (command instanceof PositionCommand p) {
            Row row = rows.computeIfAbsent(p.stream() + " " + p.instance(), k -> new Row(p.stream(), p.instance()));
            row.positions++;
            row.token = p.newToken();
        } else {
            others.merge(command.name(), 1L, Long::sum);
        }
    }

    void print(PrintWriter out) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastPrintNanos) / 1e9);
        out.printf("%-22s %-12s %14s %10s %10s%n", "STREAM", "INSTANCE", "TOKEN", "RDATA", "POSITION");
        for (Row r : rows.values()) {
            out.printf("%-22s %-12s %14d %10d %10d%n", r.stream, r.instance, r.token, r.rdata, r.positions);
        }
        out.printf("rdata/s %.1f; other commands %s%n%n", rdataSinceLastPrint / seconds, others);
        out.flush();
        rdataSinceLastPrint = 0;
        lastPrintNanos = now;
    }

    private static final class Row {
        final String stream;
        final String instance;
        long token;
        long rdata;
        long positions;

        Row(String stream, String instance) {
            this.stream = stream;
            this.instance = instance;
        }
    }
}
