package org.myelin.redis;

import org.myelin.protocol.Command;

/**
 * What a process hears from the Redis bus. One {@link RedisLink} stands for one subscription: it opens
 * once the subscription is confirmed, carries the commands of every process on the bus, and closes when
 * either Redis connection fails (a new link opens after reconnecting).
 *
 * <p>{@link #onCommand} runs on a Redis I/O thread and must not block. {@link #onOpen} and
 * {@link #onClose} run on the transport's reconnect thread. An exception is logged and counted; it
 * does not close the link.
 */
public interface BusListener {
    /** The subscription is confirmed: announce yourself now (REPLICATE, positions). */
    void onOpen(RedisLink link);

    /**
     * A command arrived on a subscribed channel (its own echoes included): anything but
     * {@code SERVER}, {@code PING}, {@code NAME} and {@code ERROR}, which are not used on Redis.
     */
    void onCommand(RedisLink link, Command command);

    /**
     * Stream commands of these streams were discarded on the way out (the publish queue was full):
     * publish a {@code POSITION} for each, so readers fetch the gap. Until then the link keeps
     * discarding their RDATA, so no reader sees a later row before the gap is covered.
     */
    void onCatchUpNeeded(RedisLink link, java.util.Set<String> streams);

    /**
     * The instance whose own {@code RDATA} and {@code POSITION} this listener would drop anyway (its
     * echoes: every subscriber hears its own PUBLISHes), or {@code null} to hear every one. The
     * transport skips those messages before decoding them; they are still counted as received.
     */
    default String ignoredInstance() {
        return null;
    }

    /** The link is gone; {@code reason} says why, for logs. */
    void onClose(RedisLink link, String reason);
}
