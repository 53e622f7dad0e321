package org.myelin.redis;

/** Where a {@link RedisTransport} stands. */
public enum RedisState {
    /** Connecting or subscribing (the first time or after a failure). */
    CONNECTING,
    /** Subscribed and able to publish: a link is open. */
    CONNECTED,
    /** Waiting before the next attempt after a failure. */
    BACKING_OFF,
    /** Closed for good. */
    CLOSED
}
