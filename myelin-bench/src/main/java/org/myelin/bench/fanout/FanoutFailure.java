package org.myelin.bench.fanout;

/** A fan-out run that could not measure what it was asked to (readers never connected, rows missing). */
final class FanoutFailure extends RuntimeException {
    FanoutFailure(String message) {
        super(message);
    }
}
