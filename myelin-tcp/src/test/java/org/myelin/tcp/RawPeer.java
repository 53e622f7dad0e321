package org.myelin.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A bare socket talking to a link, like netcat: writes bytes, reads lines. */
final class RawPeer implements AutoCloseable {
    /** What {@link #readLine()} returns when the connection ended. */
    static final String EOF = "<EOF>";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawPeer connect(int port) {
        return connect(port, -1);
    }

    /** @param receiveBuffer the socket's receive buffer, or -1 for the default */
    static RawPeer connect(int port, int receiveBuffer) {
        try {
            Socket socket = new Socket();
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            return new RawPeer(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RawPeer wrap(Socket socket) {
        try {
            return new RawPeer(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SocketAddress localAddress() {
        return socket.getLocalSocketAddress();
    }

    /** Whether a link's remote address is this socket. */
    boolean is(Link link) {
        return localAddress().equals(link.remoteAddress());
    }

    RawPeer send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    RawPeer send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line without {@code \n}, or {@link #EOF} when the peer closed (or reset). */
    String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? EOF : line.toString(StandardCharsets.UTF_8);
                }
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no line within the socket timeout; got so far: " + line, e);
        } catch (SocketException e) {
            // A reset after the server's last line: the connection is over all the same.
            return EOF;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads lines until one matches (included) or the connection ends (then {@link #EOF} last). */
    List<String> readUntil(Predicate<String> last) {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine();
            lines.add(line);
            if (line.equals(EOF) || last.test(line)) {
                return lines;
            }
        }
    }

    /** Reads every line until the connection ends; the last element is {@link #EOF}. */
    List<String> readUntilClosed() {
        return readUntil(line -> false);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
