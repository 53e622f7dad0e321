package org.myelin.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Json;
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
 * Parse and encode throughput on the RDATA/POSITION lines of a real Synapse 1.66 session
 * ({@code tcp-session-sqlite.txt}), in lines per second on one thread.
 *
 * <p>The {@code eager*} benchmarks are the baseline: what a codec that decodes every row to a JSON
 * tree on the way in and serialises it on the way out (as the reference does) costs on the same lines.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(CodecBenchmark.LINES)
public class CodecBenchmark {
    /** Lines per invocation: the mix repeated up to this count. */
    static final int LINES = 1024;

    private String[] lines;
    private byte[][] bytes;
    private Command[] commands;

    @Setup
    public void load() {
        List<String> mix = readMix();
        lines = new String[LINES];
        bytes = new byte[LINES][];
        commands = new Command[LINES];
        for (int i = 0; i < LINES; i++) {
            lines[i] = mix.get(i % mix.size());
            bytes[i] = lines[i].getBytes(StandardCharsets.UTF_8);
            commands[i] = CommandCodec.parse(lines[i]);
        }
    }

    static List<String> readMix() {
        try (InputStream in = CodecBenchmark.class.getResourceAsStream("rdata-mix.txt");
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return reader.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public void parseString(Blackhole bh) {
        for (String line : lines) {
            bh.consume(CommandCodec.parse(line));
        }
    }

    @Benchmark
    public void parseBytes(Blackhole bh) {
        for (byte[] line : bytes) {
            bh.consume(CommandCodec.parse(line, 0, line.length));
        }
    }

    @Benchmark
    public void encodeString(Blackhole bh) {
        for (Command command : commands) {
            bh.consume(CommandCodec.encode(command, Dialect.LATEST));
        }
    }

    @Benchmark
    public void encodeBytes(Blackhole bh) {
        for (Command command : commands) {
            bh.consume(CommandCodec.encodeLine(command, Dialect.LATEST));
        }
    }

    /** Baseline: parse, then decode the row to a tree as an eager codec would. */
    @Benchmark
    public void eagerParse(Blackhole bh) {
        for (String line : lines) {
            Command command = CommandCodec.parse(line);
            if (command instanceof RdataCommand r) {
                bh.consume(r.row().tree());
            }
            bh.consume(command);
        }
    }

    /** Baseline: serialise the row from a tree for every line, as an eager codec would. */
    @Benchmark
    public void eagerEncode(Blackhole bh, Trees trees) {
        for (int i = 0; i < LINES; i++) {
            if (trees.rows[i] != null) {
                RdataCommand r = (RdataCommand) commands[i];
                bh.consume("RDATA " + r.stream() + ' ' + r.instance() + ' '
                        + (r.isBatch() ? "batch" : r.token().toString()) + ' ' + Json.write(trees.rows[i]));
            } else {
                bh.consume(CommandCodec.encode(commands[i], Dialect.LATEST));
            }
        }
    }

    /** The rows of the mix as trees, for the eager baseline. */
    @State(Scope.Thread)
    public static class Trees {
        com.fasterxml.jackson.databind.JsonNode[] rows;

        @Setup
        public void build(CodecBenchmark bench) {
            rows = new com.fasterxml.jackson.databind.JsonNode[LINES];
            for (int i = 0; i < LINES; i++) {
                if (bench.commands[i] instanceof RdataCommand r) {
                    rows[i] = r.row().tree();
                }
            }
        }
    }
}
