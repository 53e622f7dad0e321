package org.myelin.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.myelin.core.rows.SynapseRow;
import org.myelin.core.rows.SynapseRows;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Typed-row throughput on the rows of a real Synapse 1.66 session (the RDATA rows of the codec mix),
 * in rows per second on one thread.
 *
 * <p>{@code decodeTyped} is {@code SynapseRows.decode}: parse, build the record, and re-encode once
 * to prove the bytes would come back identical. {@code encodeTyped} writes a decoded row back.
 * The baseline {@code parseTree} only parses each row to a Jackson tree, the least any eager
 * decoder does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(RowsBenchmark.ROWS)
public class RowsBenchmark {
    /** Rows per invocation: the session's rows repeated up to this count. */
    static final int ROWS = 1024;

    private String[] streams;
    private RawJson[] rows;
    private SynapseRow[] typed;

    @Setup
    public void load() {
        List<RdataCommand> rdata = new ArrayList<>();
        for (String line : CodecBenchmark.readMix()) {
            if (CommandCodec.parse(line) instanceof RdataCommand r) {
                rdata.add(r);
            }
        }
        streams = new String[ROWS];
        rows = new RawJson[ROWS];
        typed = new SynapseRow[ROWS];
        for (int i = 0; i < ROWS; i++) {
            RdataCommand r = rdata.get(i % rdata.size());
            streams[i] = r.stream();
            // A fresh value per slot, so no cached canonical text is shared between rows.
            rows[i] = RawJson.of(r.row().text());
            typed[i] = SynapseRows.decode(streams[i], rows[i]);
        }
    }

    @Benchmark
    public void decodeTyped(Blackhole bh) {
        for (int i = 0; i < ROWS; i++) {
            bh.consume(SynapseRows.decode(streams[i], rows[i]));
        }
    }

    @Benchmark
    public void encodeTyped(Blackhole bh) {
        for (SynapseRow row : typed) {
            bh.consume(row.encode());
        }
    }

    /** Baseline: parse each row to a tree and nothing more. */
    @Benchmark
    public void parseTree(Blackhole bh) {
        for (RawJson row : rows) {
            bh.consume(row.tree());
        }
    }
}
