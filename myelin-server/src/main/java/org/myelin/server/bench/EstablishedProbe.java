package org.myelin.server.bench;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.protocol.Command;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Side;
import org.myelin.tcp.Link;
import org.myelin.tcp.LinkListener;

/**
 * Sits between a worker's TCP client and its engine and completes {@link #established()} when the
 * engine marks the link established (every followed stream caught up), so that the benchmark starts
 * writing only once RDATA will be accepted, not merely once a socket is open.
 */
final class EstablishedProbe implements LinkListener {
    private final LinkListener delegate;
    private final Map<Link, Link> wrapped = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> established = new CompletableFuture<>();

    EstablishedProbe(LinkListener delegate) {
        this.delegate = delegate;
    }

    /** Completes the first time a link of this worker is marked established. */
    CompletableFuture<Void> established() {
        return established;
    }

    @Override
    public void onOpen(Link link) {
        delegate.onOpen(wrapped.computeIfAbsent(link, Observed::new));
    }

    @Override
    public void onCommand(Link link, Command command) {
        delegate.onCommand(wrapped.getOrDefault(link, link), command);
    }

    @Override
    public void onCatchUpNeeded(Link link, Set<String> streams) {
        delegate.onCatchUpNeeded(wrapped.getOrDefault(link, link), streams);
    }

    @Override
    public void onClose(Link link, String reason) {
        Link w = wrapped.remove(link);
        delegate.onClose(w == null ? link : w, reason);
    }

    /** The link, with {@link #markEstablished()} also noted here. */
    private final class Observed implements Link {
        private final Link link;

        Observed(Link link) {
            this.link = link;
        }

        @Override
        public void markEstablished() {
            link.markEstablished();
            established.complete(null);
        }

        @Override
        public String id() {
            return link.id();
        }

        @Override
        public String name() {
            return link.name();
        }

        @Override
        public Side side() {
            return link.side();
        }

        @Override
        public SocketAddress remoteAddress() {
            return link.remoteAddress();
        }

        @Override
        public Dialect dialect() {
            return link.dialect();
        }

        @Override
        public boolean isOpen() {
            return link.isOpen();
        }

        @Override
        public void send(Command command) {
            link.send(command);
        }

        @Override
        public void sendEncoded(Command command, byte[] line) {
            link.sendEncoded(command, line);
        }

        @Override
        public void close(String errorReason) {
            link.close(errorReason);
        }

        @Override
        public CompletionStage<Void> closeFuture() {
            return link.closeFuture();
        }

        @Override
        public boolean inCatchUpMode() {
            return link.inCatchUpMode();
        }

        @Override
        public void setReading(boolean reading) {
            link.setReading(reading);
        }

        @Override
        public String toString() {
            return link.toString();
        }
    }
}
