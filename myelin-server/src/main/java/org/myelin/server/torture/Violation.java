package org.myelin.server.torture;

/**
 * One way a worker's printed rows (or its resume state) differ from the store, or the run failed to
 * converge.
 *
 * @param kind what went wrong
 * @param worker the worker's name, or {@code writer} for acknowledged writes
 * @param detail the token and row concerned, in words
 */
public record Violation(Kind kind, String worker, String detail) {
    /** The kinds of violation. */
    public enum Kind {
        /** A row of the store after the worker's first start point that the worker never printed. */
        LOST,
        /** A row printed more than once. */
        DUPLICATE,
        /** A row printed before one that precedes it in the store. */
        OUT_OF_ORDER,
        /** A printed row the store does not hold at that token (or not a row the harness wrote). */
        UNEXPECTED,
        /** A write the main acknowledged that is not in the store at the acknowledged token. */
        ACKED_WRITE_LOST,
        /** A worker run printed a row at or below the token its state file said it resumed after. */
        BEFORE_START,
        /** A worker's saved state went back from one run to the next. */
        STATE_BACKWARDS,
        /** A worker stopped by SIGTERM did not exit with status 0 within 30 s. */
        UNCLEAN_STOP,
        /** A worker did not print the store's last token in time after the load stopped. */
        NOT_CONVERGED
    }

    @Override
    public String toString() {
        return kind + " " + worker + ": " + detail;
    }
}
