package org.myelin.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection attempt and, once subscribed, one life of the bus: the subscribed connection, the
 * publishing one, and the current link. Ends for good on the first failure; the transport then starts
 * a new one.
 */
final class Session implements RedisPubSubListener<String, byte[]> {
    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final RedisTransport transport;
    final long number;
    volatile StatefulRedisPubSubConnection<String, byte[]> subscriber;
    volatile StatefulRedisConnection<String, byte[]> publisher;
    volatile RedisLink link;
    /** Set on the transport's control thread only. */
    boolean ended;

    Session(RedisTransport transport, long number) {
        this.transport = transport;
        this.number = number;
    }

    boolean owns(RedisChannelHandler<?, ?> connection) {
        return connection == subscriber || connection == publisher;
    }

    /** Closes both connections once (closing twice makes Lettuce warn). */
    synchronized void closeConnections() {
        var connections = new io.lettuce.core.api.StatefulConnection<?, ?>[] {subscriber, publisher};
        subscriber = null;
        publisher = null;
        for (var c : connections) {
            if (c != null) {
                try {
                    c.closeAsync();
                } catch (RuntimeException e) {
                    log.debug("closing a Redis connection failed", e);
                }
            }
        }
    }

    @Override
    public void message(String channel, byte[] message) {
        onMessage(channel, message);
    }

    @Override
    public void message(String pattern, String channel, byte[] message) {
        onMessage(channel, message);
    }

    private void onMessage(String channel, byte[] message) {
        RedisLink current = link;
        if (current == null || current.closed) {
            return; // before the link opened (its REPLICATE is still to come) or after it closed
        }
        RedisMetrics metrics = transport.metrics();
        if (transport.isEcho(message)) {
            metrics.received.increment(); // our own RDATA/POSITION heard back: the engine would drop it
            return;
        }
        Command command;
        try {
            command = CommandCodec.parse(message, 0, message.length);
        } catch (ProtocolException e) {
            metrics.parseFailures.increment();
            log.warn("skipping a message on channel {} that is not a command ({}): {}", channel, e.getMessage(),
                    preview(message));
            return;
        }
        metrics.received.increment();
        metrics.bus.received(command.type());
        switch (command.type()) {
            case SERVER, PING, NAME, ERROR -> {
                metrics.ignored.increment();
                log.debug("ignoring {} on channel {}: not used on Redis", command.name(), channel);
                return;
            }
            case RDATA, POSITION -> {
                if (current.readingPaused) {
                    metrics.streamCommandsDiscarded.increment();
                    return; // the renewed link's POSITIONs cover it
                }
            }
            default -> { }
        }
        try {
            transport.listener().onCommand(current, command);
        } catch (RuntimeException e) {
            metrics.listenerFailures.increment();
            log.error("handling {} from {} failed", command.name(), current.describe(), e);
        }
    }

    private static String preview(byte[] message) {
        String text = new String(message, 0, Math.min(message.length, 200), java.nio.charset.StandardCharsets.UTF_8);
        return message.length > 200 ? text + "..." : text;
    }

    @Override
    public void subscribed(String channel, long count) {
        log.debug("subscribed to {} ({} subscriptions)", channel, count);
    }

    @Override
    public void psubscribed(String pattern, long count) {
        log.debug("subscribed to pattern {} ({} subscriptions)", pattern, count);
    }

    @Override
    public void unsubscribed(String channel, long count) {}

    @Override
    public void punsubscribed(String pattern, long count) {}
}
