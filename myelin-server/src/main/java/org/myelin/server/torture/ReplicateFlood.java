package org.myelin.server.torture;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client that connects to the main's replication port, sends {@code NAME flood} and then
 * {@code REPLICATE} many times, never reads what comes back, and hangs up (RST) after a while. The
 * main answers every {@code REPLICATE} with a {@code POSITION} per stream, so this piles up output
 * towards a reader that never reads.
 */
final class ReplicateFlood {
    private static final Logger log = LoggerFactory.getLogger(ReplicateFlood.class);

    private ReplicateFlood() {
    }

    /** Floods {@code port} with {@code count} REPLICATE and keeps the link {@code holdMillis}; returns the count sent. */
    static int run(int port, int count, long holdMillis) throws InterruptedException {
        int[] sent = {0};
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setReceiveBufferSize(4096); // read nothing, and hold little in our buffer
            // writes may block if the main stops reading us: write from a thread the close unblocks
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write("NAME flood\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] one = "REPLICATE\n".getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < count; i++) {
                        out.write(one);
                        sent[0]++;
                    }
                    out.flush();
                } catch (IOException e) {
                    log.debug("flood link ended while writing: {}", e.toString());
                }
            }, "torture-flood");
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(holdMillis); // the fault lasts this long
            socket.setSoLinger(true, 0);
            socket.close();
            writer.join(10_000);
        } catch (IOException e) {
            throw new TortureFailure("cannot flood the main's replication port " + port + ": " + e.getMessage(), e);
        }
        return sent[0];
    }
}
