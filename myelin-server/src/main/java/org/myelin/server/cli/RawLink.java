package org.myelin.server.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Framing;
import org.myelin.protocol.LineReader;

/**
 * A plain blocking client socket speaking lines, for the diagnostic commands ({@code tap},
 * {@code send}) that must show every line exactly as it came, protocol-level ones included.
 */
public final class RawLink implements Closeable {
    private final Socket socket;
    private final LineReader reader;
    private final OutputStream out;

    private RawLink(Socket socket, int maxLineBytes) throws IOException {
        this.socket = socket;
        this.reader = new LineReader(socket.getInputStream(), maxLineBytes);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects within {@code timeout}.
     *
     * @throws IOException with the address in the message when it cannot connect
     */
    public static RawLink connect(HostPort address, Duration timeout, int maxLineBytes) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(address.host(), address.port()), (int) timeout.toMillis());
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        return new RawLink(socket, maxLineBytes);
    }

    /** Sends one command, encoded for {@code dialect}. */
    public void send(Command command, Dialect dialect) throws IOException {
        writeLine(CommandCodec.encode(command, dialect));
    }

    /** Sends a line as given (plus {@code \n}), valid or not. */
    public synchronized void writeLine(String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * The next line, without {@code \n}, or null when the peer closed.
     *
     * @throws org.myelin.protocol.ProtocolException if the line is over the limit
     */
    public byte[] readLine() throws IOException {
        return reader.next();
    }

    /** Gives up reading after this long without data (0 = never). */
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
    }

    /** Decodes a line read by {@link #readLine()}; null for a blank one. */
    public static Command decode(byte[] line) {
        return Framing.decodeLine(line, 0, line.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
