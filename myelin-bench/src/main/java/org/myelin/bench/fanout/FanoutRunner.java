package org.myelin.bench.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;

/** The three parts of {@code myelin bench fanout}; each run starts a fresh writer on a fresh port. */
final class FanoutRunner {
    static final String STREAM = "events";
    /** Rows per poke in throughput runs, as a writer appending 100 rows per commit does. */
    static final int ROWS_PER_POKE = 100;
    /**
     * Rows a throughput writer may be ahead of the slowest reader. Without such a window a writer
     * faster than its readers only measures how soon a link overflows into catch-up mode; with it,
     * Myelin and the floor are both measured at the rate their readers actually take rows.
     */
    static final int WINDOW = 5_000;
    /** Distinct row texts cycled through in throughput runs (each append still wraps a new RawJson). */
    private static final int TEXTS = 4096;

    private final FanoutRows rows;
    private final Duration timeout;
    private final PrintWriter log;

    FanoutRunner(int rowBytes, Duration timeout, PrintWriter log) {
        this.rows = new FanoutRows(rowBytes);
        this.timeout = timeout;
        this.log = log;
    }

    /** Throughput of one run: rows written once, delivered to every reader. */
    record Throughput(String mode, int readers, long rows, double seconds, double deliveredPerSecond,
            long congestionEvents) {}

    /** Myelin: the engine's streamer over an in-memory stream, as fast as the writer can append. */
    Throughput myelinThroughput(ReaderProcess readers, int links, long count) {
        String[] texts = texts();
        try (MyelinWriter writer = new MyelinWriter(STREAM)) {
            readers.connect(writer.port(), links, timeout);
            readers.expect(count * links);
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                if (i % ROWS_PER_POKE == 0) {
                    readers.awaitProgress(i - WINDOW, timeout);
                }
                writer.append(RawJson.of(texts[(int) (i % TEXTS)]));
                if ((i + 1) % ROWS_PER_POKE == 0) {
                    writer.poke();
                }
            }
            writer.poke();
            long end = readers.awaitDone(timeout);
            long congestion = writer.congestionEvents();
            readers.closeConnections(timeout);
            return result("myelin", links, count, start, end, congestion);
        }
    }

    /** The floor: the same lines, pre-encoded in chunks of {@link #ROWS_PER_POKE}, from a plain Netty server. */
    Throughput floorThroughput(ReaderProcess readers, int links, long count) {
        String[] texts = texts();
        List<ByteBuf> chunks = new ArrayList<>();
        ByteBuf chunk = null;
        for (long i = 0; i < count; i++) {
            if (i % ROWS_PER_POKE == 0) {
                chunk = Unpooled.directBuffer(ROWS_PER_POKE * (texts[0].length() + 40));
                chunks.add(chunk);
            }
            chunk.writeBytes(CommandCodec.encodeLine(new RdataCommand(STREAM, "master", i + 1,
                    RawJson.of(texts[(int) (i % TEXTS)])), Dialect.LATEST));
        }
        try (FloorServer floor = new FloorServer(STREAM, "master")) {
            readers.connect(floor.port(), links, timeout);
            readers.expect(count * links);
            long start = System.nanoTime();
            long sent = 0;
            for (ByteBuf c : chunks) {
                readers.awaitProgress(sent - WINDOW, timeout);
                floor.send(c);
                sent += ROWS_PER_POKE;
            }
            long end = readers.awaitDone(timeout);
            readers.closeConnections(timeout);
            return result("floor", links, count, start, end, 0);
        } finally {
            chunks.forEach(ByteBuf::release);
        }
    }

    private Throughput result(String mode, int links, long count, long start, long end, long congestion) {
        double seconds = (end - start) / 1e9;
        Throughput t = new Throughput(mode, links, count, seconds, count * links / seconds, congestion);
        log.printf("myelin bench fanout: %s 1 -> %d: %,d rows in %.3f s, %,.0f delivered rows/s%s%n", mode, links,
                count, seconds, t.deliveredPerSecond(),
                congestion > 0 ? " (" + congestion + " congestion events)" : "");
        log.flush();
        return t;
    }

    private String[] texts() {
        String[] texts = new String[TEXTS];
        for (int i = 0; i < TEXTS; i++) {
            texts[i] = rows.row(i, 0);
        }
        return texts;
    }

    /** One latency run: percentiles of the first second after the writer started, and of the rest. */
    record Latency(String mode, int rate, int readers, double seconds, ReaderProcess.Percentiles firstSecond,
            ReaderProcess.Percentiles warm) {}

    /** Where a latency run's rows go: Myelin's engine, or the plain Netty floor. */
    private interface RowSink extends AutoCloseable {
        int port();

        /** Writes one row as token {@code token}; {@link #flush()} after the rows due together. */
        void write(long token, RawJson row);

        void flush();

        @Override
        void close();
    }

    /**
     * Rows at a fixed rate, each carrying the instant it was due; the readers record arrival minus
     * that instant, corrected for coordinated omission at the rate's interval. A fresh writer each
     * run: its first second is the one after its start.
     */
    Latency latency(ReaderProcess readers, int links, int rate, Duration length) {
        MyelinWriter writer = new MyelinWriter(STREAM);
        return latency("myelin", readers, links, rate, length, new RowSink() {
            @Override
            public int port() {
                return writer.port();
            }

            @Override
            public void write(long token, RawJson row) {
                writer.append(row);
            }

            @Override
            public void flush() {
                writer.poke();
            }

            @Override
            public void close() {
                writer.close();
            }
        });
    }

    /**
     * The latency floor: the same rows at the same rate from the plain Netty server, each line
     * encoded by the writer thread and written to every connection at once (no streamer, no queue):
     * the wake-ups and socket writes the kernel and this machine cost, which no replication layer
     * goes below.
     */
    Latency floorLatency(ReaderProcess readers, int links, int rate, Duration length) {
        FloorServer floor = new FloorServer(STREAM, "master");
        return latency("floor", readers, links, rate, length, new RowSink() {
            private ByteBuf pending;

            @Override
            public int port() {
                return floor.port();
            }

            @Override
            public void write(long token, RawJson row) {
                byte[] line = CommandCodec.encodeLine(new RdataCommand(STREAM, "master", token, row), Dialect.LATEST);
                if (pending == null) {
                    pending = Unpooled.directBuffer(line.length);
                }
                pending.writeBytes(line);
            }

            @Override
            public void flush() {
                if (pending != null) {
                    floor.send(pending);
                    pending.release();
                    pending = null;
                }
            }

            @Override
            public void close() {
                floor.close();
            }
        });
    }

    private Latency latency(String mode, ReaderProcess readers, int links, int rate, Duration length, RowSink sink) {
        long interval = 1_000_000_000L / rate;
        long count = rate * length.toSeconds();
        try (sink) {
            readers.connect(sink.port(), links, timeout);
            readers.expect(count * links);
            long start = System.nanoTime() + 20_000_000; // after the readers acknowledged it
            readers.latency(start, interval);
            boolean spin = rate <= SPIN_MAX_RATE;
            for (long i = 0; i < count; ) {
                long due = start + i * interval;
                waitUntil(due, spin);
                // every row due by now, each stamped with the instant it was due: a late writer
                // (or a stalled JVM) shows as latency, never hides it
                long now = System.nanoTime();
                do {
                    sink.write(i + 1, RawJson.of(rows.row(i, start + i * interval)));
                    i++;
                } while (i < count && start + i * interval <= now);
                sink.flush();
            }
            readers.awaitDone(timeout);
            List<ReaderProcess.Percentiles> h = readers.report(timeout);
            readers.closeConnections(timeout);
            Latency l = new Latency(mode, rate, links, length.toSeconds(), h.get(0), h.get(1));
            log.printf("myelin bench fanout: %s latency 1 -> %d at %,d rows/s: first second p50 %.3f p99 %.3f max %.3f ms;"
                    + " after it p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms%n", mode, links, rate,
                    ms(l.firstSecond().p50()), ms(l.firstSecond().p99()), ms(l.firstSecond().max()), ms(l.warm().p50()),
                    ms(l.warm().p99()), ms(l.warm().p999()), ms(l.warm().max()));
            log.flush();
            return l;
        }
    }

    /**
     * Rates up to which the latency writer spins the last 100 µs before a row is due (a tenth of a
     * core at 1,000 rows/s); above, spinning would take a whole core from the two being measured, so
     * it parks (oversleeping by up to ~60 µs, which the rows then show as latency).
     */
    static final int SPIN_MAX_RATE = 2_000;

    /** Parks until {@code due}, or until shortly before it and then spins. */
    private static void waitUntil(long due, boolean spin) {
        while (true) {
            long remaining = due - System.nanoTime();
            if (remaining <= 0) {
                return;
            }
            if (!spin) {
                LockSupport.parkNanos(remaining);
            } else if (remaining > 100_000) {
                LockSupport.parkNanos(remaining - 80_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Resident memory of the writer per idle link, and its heap after a full GC per link. */
    record Rss(int links, long rssBeforeKb, long rssAfterKb, double rssPerLinkKb, double heapPerLinkKb) {}

    Rss rssPerIdleLink(ReaderProcess readers, int links) {
        try (MyelinWriter writer = new MyelinWriter(STREAM)) {
            // one link first, so that what every link shares (event loop threads, allocator arenas,
            // classes) is in the "before" figure
            readers.connect(writer.port(), 1, timeout);
            // first: the diagnostic command starts the platform MBean server, whose memory must
            // not be counted as the links'
            nativeMemory("baseline");
            long rss0 = settledRssKb();
            long heap0 = heapUsedAfterGc();
            readers.connect(writer.port(), links, timeout);
            long rss1 = settledRssKb();
            long heap1 = heapUsedAfterGc();
            String diff = nativeMemory("summary.diff");
            if (diff != null) {
                log.println(diff);
            }
            if (Boolean.getBoolean("myelin.bench.histogram")) {
                log.println(diagnostic("gcClassHistogram", new String[0])); // what the links hold, by class
            }
            readers.closeConnections(timeout);
            Rss r = new Rss(links, rss0, rss1, (rss1 - rss0) / (double) links, (heap1 - heap0) / 1024.0 / links);
            log.printf("myelin bench fanout: %,d idle links: writer RSS %,d -> %,d kB, %.1f kB per link"
                    + " (Java heap after GC: %.1f kB per link)%n", links, rss0, rss1, r.rssPerLinkKb(), r.heapPerLinkKb());
            log.flush();
            return r;
        }
    }

    /**
     * With {@code -XX:NativeMemoryTracking=summary}, runs {@code VM.native_memory WHAT} (where the
     * RSS per link goes, by JVM area); {@code null} without it.
     */
    private static String nativeMemory(String what) {
        String text = diagnostic("vmNativeMemory", new String[] {what});
        return text == null || text.contains("not enabled") ? null : text;
    }

    /** A diagnostic command of this JVM, by its MBean operation name; {@code null} if it cannot run. */
    private static String diagnostic(String operation, String[] arguments) {
        try {
            return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), operation,
                    new Object[] {arguments}, new String[] {String[].class.getName()}));
        } catch (javax.management.JMException e) {
            return null;
        }
    }

    private static long settledRssKb() {
        heapUsedAfterGc();
        try {
            Thread.sleep(200); // lets the event loops finish their last reads and release the buffers
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new FanoutFailure("cannot read /proc/self/status (RSS is measured on Linux only): " + e);
        }
        throw new FanoutFailure("no VmRSS in /proc/self/status");
    }

    private static long heapUsedAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
