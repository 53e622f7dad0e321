package org.myelin.bench.load;

/** A benchmark run that could not be measured: rows lost, duplicated, reordered or late, or no link. */
final class BenchFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong, for the user */
    public BenchFailure(String message) {
        super(message);
    }
}
