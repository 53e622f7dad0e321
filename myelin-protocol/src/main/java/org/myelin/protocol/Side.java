package org.myelin.protocol;

/** The two ends of a direct TCP replication link. */
public enum Side {
    /** The writer end that accepted the connection (sends {@code SERVER}, {@code RDATA}, ...). */
    SERVER,
    /** The worker end that connected (sends {@code NAME}, {@code REPLICATE}, ...). */
    CLIENT;

    /** The other end of the link. */
    public Side peer() {
        return this == SERVER ? CLIENT : SERVER;
    }
}
