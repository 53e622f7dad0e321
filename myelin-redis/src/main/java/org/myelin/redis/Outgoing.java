package org.myelin.redis;

import org.myelin.protocol.Command;

/**
 * One command waiting to be published.
 *
 * @param stream the stream of an RDATA or POSITION, else {@code null}
 */
record Outgoing(RedisLink link, String channel, byte[] payload, Command command, String stream) {}
