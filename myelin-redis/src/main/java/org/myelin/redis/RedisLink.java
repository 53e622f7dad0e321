package org.myelin.redis;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RdataCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription to the bus, seen by the engine as one link carrying every process's commands.
 * Sending publishes (pipelined, in order); a new link replaces it after every reconnect.
 *
 * <p>Ordering rule: on this link an RDATA goes out only after a POSITION of its stream went out on
 * it. A fresh link (after a reconnect that may have lost PUBLISHes) and a stream whose commands were
 * discarded (queue full) therefore send nothing of that stream until the POSITION that makes every
 * reader fetch what it missed: no reader can take a later row over a gap.
 */
public final class RedisLink implements ReplicationConnection {
    private static final Logger log = LoggerFactory.getLogger(RedisLink.class);

    final Session session;
    private final RedisTransport transport;
    private final long id;
    /** Streams whose POSITION went out on this link (their RDATA may follow). */
    private final Set<String> positioned = ConcurrentHashMap.newKeySet();
    /** Streams discarded on overflow, waiting for the catch-up request. */
    final Set<String> pendingCatchUp = ConcurrentHashMap.newKeySet();
    volatile boolean closed;
    volatile boolean readingPaused;

    RedisLink(RedisTransport transport, Session session, long id) {
        this.transport = transport;
        this.session = session;
        this.id = id;
    }

    /** This link's number: one more for every subscription (and every renewal) of the transport. */
    public long id() {
        return id;
    }

    /** Whether the link is gone (a newer one replaces it after reconnecting). */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String describe() {
        return "redis:" + transport.settings().channel() + "#" + id + "@" + transport.address();
    }

    /** Publishes one command now (from any thread). */
    @Override
    public void send(Command command) {
        sendEncoded(command, null);
        transport.publisher().flush();
    }

    /**
     * Publishes one command; {@code line} (with its {@code \n}) is reused when given. It is written at
     * once but reaches Redis at the next {@link #flush()}: the streamer's whole burst goes out together.
     */
    @Override
    public void sendEncoded(Command command, byte[] line) {
        String stream = streamOf(command);
        if (closed) {
            transport.discarded(command, stream, "link closed");
            return;
        }
        Dialect dialect = transport.settings().dialect();
        if (!dialect.supports(command.type())) {
            log.debug("not publishing {}: unknown to dialect {}", command.name(), dialect);
            return;
        }
        if (command instanceof RdataCommand && !positioned.contains(stream)) {
            transport.metrics().streamCommandsDiscarded.increment();
            return; // its POSITION is on the way and covers it
        }
        if (command instanceof PositionCommand) {
            positioned.add(stream);
        }
        byte[] payload = line != null && (dialect == Dialect.LATEST || stream != null)
                ? line // with its \n, which the bus codec leaves out: no copy per PUBLISH
                : CommandCodec.encode(command, dialect).getBytes(StandardCharsets.UTF_8);
        Outgoing out = new Outgoing(this, transport.channelFor(command, stream), payload, command, stream);
        if (!transport.publisher().offer(out)) {
            if (stream != null) {
                // nothing more of this stream until a POSITION, requested once the queue drained
                positioned.remove(stream);
                if (pendingCatchUp.add(stream)) {
                    log.warn("publish queue of {} is full: discarding stream {} until it drained, then "
                            + "sending a POSITION", describe(), stream);
                }
                transport.publisher().needsCatchUp(this);
            }
            transport.discarded(command, stream, "publish queue full");
        }
    }

    /** Puts every PUBLISH written so far on the wire: the streamer's burst is over. */
    @Override
    public void flush() {
        transport.publisher().flush();
    }

    @Override
    public void close(String errorReason) {
        transport.closedByEngine(this, errorReason);
    }

    @Override
    public void markEstablished() {
        transport.established(this);
    }

    /**
     * Redis cannot pause one subscriber, so a paused link discards stream commands instead; on
     * resuming it is replaced by a new link (REPLICATE, POSITIONs), whose catch-up fetches the gap.
     */
    @Override
    public void setReading(boolean reading) {
        if (!reading) {
            readingPaused = true;
        } else if (readingPaused) {
            transport.renew(this);
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    static String streamOf(Command command) {
        if (command instanceof RdataCommand r) {
            return r.stream();
        }
        if (command instanceof PositionCommand p) {
            return p.stream();
        }
        return null;
    }
}
