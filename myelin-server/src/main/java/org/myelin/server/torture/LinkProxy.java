package org.myelin.server.torture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on loopback between one worker and the main's replication port, which the fault
 * injector can cut (both sides reset) or pause (it stops reading from the main's side, so the
 * main's socket buffers fill as if the worker stalled). Blocking sockets, two threads per link:
 * there are only a handful of links.
 */
final class LinkProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LinkProxy.class);

    private final String name;
    private final int targetPort;
    private final ServerSocket server;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private final AtomicLong accepted = new AtomicLong();
    private boolean paused;
    private volatile boolean closed;

    LinkProxy(String name, int targetPort) throws IOException {
        this.name = name;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::acceptLoop, "proxy-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The loopback port the worker connects to. */
    int port() {
        return server.getLocalPort();
    }

    /** Links accepted so far (each reconnect of the worker is one). */
    long accepted() {
        return accepted.get();
    }

    /** Resets every open link on both sides; returns how many were cut. */
    int cut() {
        int n = 0;
        for (Pair pair : pairs) {
            pair.close(true);
            n++;
        }
        return n;
    }

    /**
     * Stops reading from the main's side of every link (new links included) until {@link #resume()};
     * a read already under way completes, and what it got is held until then.
     */
    void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    /** Reads from the main's side again. */
    void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        resume();
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing proxy {}", name, e);
        }
        cut();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket worker;
            try {
                worker = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.warn("proxy {} stops accepting: {}", name, e.toString());
                }
                return;
            }
            accepted.incrementAndGet();
            Socket main = new Socket();
            try {
                main.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
            } catch (IOException e) {
                // the main is down (killed, restarting): refuse the worker, which retries with backoff
                log.debug("proxy {}: main not reachable: {}", name, e.toString());
                reset(worker);
                reset(main);
                continue;
            }
            Pair pair = new Pair(worker, main);
            pairs.add(pair);
            pair.start();
        }
    }

    private static void reset(Socket s) {
        try {
            if (!s.isClosed() && s.isConnected()) {
                s.setSoLinger(true, 0); // close with RST, like a dropped connection
            }
        } catch (IOException e) {
            // already broken: closing is all that is left
        }
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One proxied link: a worker socket and the socket to the main. */
    private final class Pair {
        private final Socket worker;
        private final Socket main;
        private volatile boolean done;

        Pair(Socket worker, Socket main) {
            this.worker = worker;
            this.main = main;
        }

        void start() {
            Thread up = new Thread(() -> pump(worker, main, false), "proxy-" + name + "-up");
            Thread down = new Thread(() -> pump(main, worker, true), "proxy-" + name + "-down");
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        private void pump(Socket from, Socket to, boolean gated) {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                while (!done) {
                    if (gated) {
                        awaitOpen();
                    }
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    if (gated) {
                        // a read under way when the pause began: hold what it got until resumed
                        awaitOpen();
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                log.debug("proxy {} link ends: {}", name, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            close(false);
        }

        private void awaitOpen() throws InterruptedException {
            synchronized (gate) {
                while (paused && !done) {
                    gate.wait(200);
                }
            }
        }

        void close(boolean rst) {
            if (done && !rst) {
                return;
            }
            done = true;
            pairs.remove(this);
            if (rst) {
                reset(worker);
                reset(main);
            } else {
                try {
                    worker.close();
                    main.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
