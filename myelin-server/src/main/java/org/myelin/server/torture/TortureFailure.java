package org.myelin.server.torture;

/** The harness itself failed (a process would not start, a port would not bind): not a verdict on replication. */
public final class TortureFailure extends RuntimeException {
    /** With a message saying what failed. */
    public TortureFailure(String message) {
        super(message);
    }

    /** With a message and the cause. */
    public TortureFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
