package org.myelin.server.tap;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Plays recorded server lines to every client that connects, like a real Synapse main did. */
final class ScriptedServer implements AutoCloseable {
    private final ServerSocket socket;
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** @param closeAfter whether to hang up once the lines are sent */
    ScriptedServer(List<String> lines, boolean closeAfter) throws IOException {
        this(List.of(lines), List.of(closeAfter));
    }

    /**
     * Plays {@code scripts.get(n)} to the n-th client (the last script to any later one): a main that
     * restarts between two connections, say. Hangs up after script n when {@code closeAfter.get(n)}.
     */
    ScriptedServer(List<List<String>> scripts, List<Boolean> closeAfterEach) throws IOException {
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            for (int n = 0; !socket.isClosed(); n++) {
                List<String> lines = scripts.get(Math.min(n, scripts.size() - 1));
                boolean closeAfter = closeAfterEach.get(Math.min(n, closeAfterEach.size() - 1));
                try {
                    Socket client = socket.accept();
                    clients.add(client);
                    OutputStream out = client.getOutputStream();
                    for (String line : lines) {
                        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                    out.flush();
                    if (closeAfter) {
                        client.close();
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Hangs up on every client connected so far (a main going away); the next one gets the next script. */
    void hangUp() throws IOException {
        for (Socket c : clients) {
            c.close();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket c : clients) {
            c.close();
        }
    }
}
