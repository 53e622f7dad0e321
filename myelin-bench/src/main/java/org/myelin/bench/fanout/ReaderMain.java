package org.myelin.bench.fanout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;

/**
 * The readers of {@code myelin bench fanout}, in a JVM of their own: N replication connections on
 * one NIO thread, speaking the client side of the protocol ({@code NAME}, {@code REPLICATE}, a
 * {@code PING} every 5 s), counting {@code RDATA} lines and checking their tokens follow each other
 * per connection, and, in latency mode, recording for every row the time from the instant it was
 * meant to be written (carried in the row) to its arrival.
 *
 * <p>One thread and one read buffer: the readers must cost as little as possible, since they share
 * the machine's cores with the writer being measured. The parent drives it with one command per
 * line on standard input and reads the answers on standard output:
 * <ul>
 *   <li>{@code connect HOST PORT N} opens N connections; answers {@code connected N} once every
 *       one got its first {@code POSITION};</li>
 *   <li>{@code expect TOTAL} resets the counters (answers {@code expecting}); says {@code progress N} whenever the slowest
 *       connection got 200 more RDATA, and {@code done NANOS ERRORS} when TOTAL
 *       RDATA arrived over all connections (NANOS: {@link System#nanoTime()} then, the same clock as
 *       the parent's on Linux);</li>
 *   <li>{@code latency START INTERVAL} records latencies from now on: rows meant to be written before
 *       START + 1 s go to the first-second histogram (answers {@code recording}); {@code report} answers
 *       {@code hist first|warm COUNT P50 P99 P999 MAX} (nanoseconds) for both;</li>
 *   <li>{@code close} closes every connection ({@code closed}); {@code quit} exits.</li>
 * </ul>
 */
public final class ReaderMain {
    private static final long PING_EVERY_NANOS = 5_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final Selector selector;
    private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
    /** Answers to the parent; a sink while the reader warms itself up. */
    private PrintStream out;
    private final List<Conn> conns = new ArrayList<>();
    /** Shared by every connection: the carried partial line first, then what was read. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private final byte[] scratch = new byte[1 << 20];

    private int waitingForPosition;
    private int connecting;
    private long expected = -1;
    private long received;
    private long errors;
    /** The least RDATA count over the connections when {@code progress} was last printed. */
    private long progressSent;
    private boolean latency;
    private long latencyStart;
    private long intervalNanos;
    private final Histogram first = new Histogram(3_600_000_000_000L, 3);
    private final Histogram warm = new Histogram(3_600_000_000_000L, 3);
    private long lastPing = System.nanoTime();

    private ReaderMain(PrintStream out) throws IOException {
        this.selector = Selector.open();
        this.out = out;
    }

    /** One connection: what is left of its last line, and the next token expected. */
    private static final class Conn {
        final SocketChannel channel;
        /** The partial last line of the previous read; kept in place so that reading allocates nothing. */
        byte[] carry = new byte[256];
        int carryLength;
        long lastToken = -1;
        boolean positioned;
        long rdata;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    public static void main(String[] args) throws Exception {
        ReaderMain main = new ReaderMain(new PrintStream(System.out, true, StandardCharsets.UTF_8));
        main.warmUp();
        main.warmUpNetwork();
        Thread input = new Thread(() -> main.readCommands(), "reader-commands");
        input.setDaemon(true);
        input.start();
        main.loop();
    }

    /**
     * Runs the line handling over made-up lines until the JIT compiled it, so that a cold reader
     * does not show up as latency of the writer's first second (which is what is measured).
     */
    private void warmUp() {
        Conn fake = new Conn(null);
        byte[] line = ("RDATA events master 1 [1," + System.nanoTime() + ",\"" + "x".repeat(110) + "\"]\n")
                .getBytes(StandardCharsets.US_ASCII);
        latency = true;
        latencyStart = System.nanoTime();
        intervalNanos = 1000;
        for (int i = 0; i < 100_000; i++) {
            System.arraycopy(line, 0, scratch, 0, line.length);
            fake.lastToken = -1;
            line(fake, 0, line.length - 1, System.nanoTime());
        }
        first.copyCorrectedForCoordinatedOmission(intervalNanos);
        latency = false;
        received = 0;
        first.reset();
        warm.reset();
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                commands.add(line);
                selector.wakeup();
            }
        } catch (IOException e) {
            // the parent went away
        }
        commands.add("quit");
        selector.wakeup();
    }

    /**
     * Runs the whole receiving path (select, read, line handling, histograms) over loopback sockets
     * fed by a plain blocking writer in this JVM, until it is compiled. Without it the first run's
     * first second measured this reader's own cold start: a plain Netty writer run first showed the
     * same 200+ ms p99 as Myelin did. Nothing of the writer's JVM is touched, so its cold start is
     * still measured.
     */
    private void warmUpNetwork() throws IOException {
        PrintStream answers = out;
        out = new PrintStream(java.io.OutputStream.nullOutputStream());
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Thread feeder = new Thread(() -> feedWarmUp(server), "reader-warmup-feeder");
            feeder.setDaemon(true);
            feeder.start();
            connect("127.0.0.1", port, WARM_LINKS);
            expected = (long) WARM_LINKS * WARM_ROWS;
            received = 0;
            latency = true;
            latencyStart = System.nanoTime();
            intervalNanos = 1_000_000;
            long deadline = System.nanoTime() + 20 * SECOND;
            while (expected >= 0 && System.nanoTime() < deadline) {
                step();
            }
            for (Conn c : conns) {
                c.channel.close();
            }
            conns.clear();
        } finally {
            out = answers;
            expected = -1;
            received = 0;
            errors = 0;
            latency = false;
            first.reset();
            warm.reset();
        }
    }

    private static final int WARM_LINKS = 10;
    private static final int WARM_ROWS = 5_000;

    /** The warm-up's writer: answers each connection's REPLICATE, then writes rows one line at a time. */
    private static void feedWarmUp(java.nio.channels.ServerSocketChannel server) {
        try {
            List<SocketChannel> links = new ArrayList<>();
            for (int i = 0; i < WARM_LINKS; i++) {
                SocketChannel link = server.accept();
                link.setOption(StandardSocketOptions.TCP_NODELAY, true);
                link.read(ByteBuffer.allocate(256)); // NAME and REPLICATE
                link.write(ByteBuffer.wrap("POSITION events master 0 0\n".getBytes(StandardCharsets.US_ASCII)));
                links.add(link);
            }
            String padding = "x".repeat(110);
            for (int row = 1; row <= WARM_ROWS; row++) {
                byte[] line = ("RDATA events master " + row + " [" + row + "," + System.nanoTime() + ",\"" + padding
                        + "\"]\n").getBytes(StandardCharsets.US_ASCII);
                for (SocketChannel link : links) {
                    ByteBuffer b = ByteBuffer.wrap(line);
                    while (b.hasRemaining()) {
                        link.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // the reader stops warming up at its deadline; measuring goes on regardless
        }
    }

    private void loop() throws IOException {
        while (true) {
            if (!step()) {
                return;
            }
        }
    }

    /** One pass of the event loop; false once told to quit. */
    private boolean step() throws IOException {
        {
            selector.select(1000);
            for (String c; (c = commands.poll()) != null; ) {
                if (!command(c.trim().split(" "))) {
                    return false;
                }
            }
            for (SelectionKey key : selector.selectedKeys()) {
                if (key.isValid() && key.isReadable()) {
                    read((Conn) key.attachment());
                }
            }
            selector.selectedKeys().clear();
            progress();
            long now = System.nanoTime();
            if (now - lastPing >= PING_EVERY_NANOS) {
                lastPing = now;
                ByteBuffer ping = ByteBuffer.wrap(("PING " + System.currentTimeMillis() + "\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (Conn c : conns) {
                    write(c, ping.duplicate());
                }
            }
        }
        return true;
    }

    private boolean command(String[] words) throws IOException {
        switch (words[0]) {
            case "connect" -> connect(words[1], Integer.parseInt(words[2]), Integer.parseInt(words[3]));
            case "expect" -> {
                expected = Long.parseLong(words[1]);
                received = 0;
                errors = 0;
                progressSent = 0;
                for (Conn c : conns) {
                    c.rdata = 0;
                }
                out.println("expecting");
                checkDone();
            }
            case "latency" -> {
                latency = true;
                latencyStart = Long.parseLong(words[1]);
                intervalNanos = Long.parseLong(words[2]);
                first.reset();
                warm.reset();
                out.println("recording");
            }
            case "report" -> {
                report("first", first);
                report("warm", warm);
                latency = false;
            }
            case "close" -> {
                for (Conn c : conns) {
                    c.channel.close();
                }
                conns.clear();
                out.println("closed");
            }
            case "quit" -> {
                return false;
            }
            default -> out.println("error unknown command " + words[0]);
        }
        return true;
    }

    private void report(String name, Histogram raw) {
        Histogram h = raw.copyCorrectedForCoordinatedOmission(intervalNanos);
        out.printf("hist %s %d %d %d %d %d%n", name, h.getTotalCount(), h.getValueAtPercentile(50),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
    }

    private void connect(String host, int port, int n) throws IOException {
        waitingForPosition = n;
        connecting = n;
        for (int i = 0; i < n; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            Conn conn = new Conn(channel);
            conns.add(conn);
            channel.register(selector, SelectionKey.OP_READ, conn);
            write(conn, ByteBuffer.wrap(("NAME fanout-reader-" + i + "\nREPLICATE\n")
                    .getBytes(StandardCharsets.US_ASCII)));
        }
        if (n == 0) {
            out.println("connected 0");
        }
    }

    /** Small control lines only: loops until written (the socket's buffer is empty on our side). */
    private static void write(Conn conn, ByteBuffer data) {
        try {
            while (data.hasRemaining()) {
                conn.channel.write(data);
            }
        } catch (IOException e) {
            // the writer closed this connection; reading will say so
        }
    }

    private void read(Conn conn) throws IOException {
        while (true) {
            buffer.clear();
            buffer.put(conn.carry, 0, conn.carryLength);
            int n;
            try {
                n = conn.channel.read(buffer);
            } catch (IOException e) {
                n = -1;
            }
            if (n <= 0) {
                if (n < 0) {
                    conn.channel.close();
                }
                return;
            }
            long now = System.nanoTime();
            int length = buffer.position();
            buffer.flip();
            buffer.get(scratch, 0, length);
            int start = 0;
            for (int i = 0; i < length; i++) {
                if (scratch[i] == '\n') {
                    line(conn, start, i, now);
                    start = i + 1;
                }
            }
            // no allocation per read: a reader that collects garbage would add its own pauses to the
            // latency it measures
            conn.carryLength = length - start;
            if (conn.carry.length < conn.carryLength) {
                conn.carry = new byte[Math.max(conn.carryLength, conn.carry.length * 2)];
            }
            System.arraycopy(scratch, start, conn.carry, 0, conn.carryLength);
            checkDone();
            if (length < buffer.capacity()) {
                return;
            }
        }
    }

    private void line(Conn conn, int from, int to, long now) {
        byte[] b = scratch;
        if (to - from > 6 && b[from] == 'R' && b[from + 1] == 'D') {
            // RDATA stream instance token row
            int token = skipFields(b, from, to, 3);
            int rowStart = indexOf(b, token, to, (byte) ' ') + 1;
            if (b[token] != 'b') {
                long t = parseLong(b, token);
                if (conn.lastToken >= 0 && t != conn.lastToken + 1) {
                    errors++;
                }
                conn.lastToken = t;
            }
            received++;
            conn.rdata++;
            if (latency && rowStart > 0 && rowStart < to && b[rowStart] == '[') {
                int comma = indexOf(b, rowStart, to, (byte) ',');
                long sent = parseLong(b, comma + 1);
                long value = Math.max(0, now - sent);
                // raw here, corrected for coordinated omission when reported: the same figures as
                // recordValueWithExpectedInterval, without its cost per row when the latency is large
                (sent - latencyStart < SECOND ? first : warm).recordValue(value);
            }
        } else if (to - from > 9 && b[from] == 'P' && b[from + 1] == 'O') {
            // POSITION stream instance prev cur
            int cur = skipFields(b, from, to, 4);
            conn.lastToken = parseLong(b, cur);
            if (!conn.positioned) {
                conn.positioned = true;
                if (--waitingForPosition == 0) {
                    out.println("connected " + connecting);
                }
            }
        }
    }

    /** Tells the parent how far the slowest connection got, so that its writer keeps a bounded window. */
    private void progress() {
        if (expected < 0 || conns.isEmpty()) {
            return;
        }
        long least = Long.MAX_VALUE;
        for (Conn c : conns) {
            least = Math.min(least, c.rdata);
        }
        if (least - progressSent >= 200) {
            progressSent = least;
            out.println("progress " + least);
        }
    }

    private void checkDone() {
        if (expected >= 0 && received >= expected) {
            out.println("done " + System.nanoTime() + " " + errors);
            expected = -1;
        }
    }

    /** The index just after the n-th space of the line. */
    private static int skipFields(byte[] b, int from, int to, int n) {
        int i = from;
        for (int seen = 0; i < to && seen < n; i++) {
            if (b[i] == ' ') {
                seen++;
            }
        }
        return i;
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(byte[] b, int i) {
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return v;
    }
}
