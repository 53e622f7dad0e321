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
        socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
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

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket c : clients) {
            c.close();
        }
    }
}
