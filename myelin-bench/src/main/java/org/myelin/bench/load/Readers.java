package org.myelin.bench.load;

import java.time.Duration;
import java.util.List;

/** The N readers of one run, each recording what it was handed. */
interface Readers extends AutoCloseable {
    /** One recorder per reader. */
    List<DeliveryRecorder> recorders();

    /**
     * Waits until every reader can receive rows written from now on.
     *
     * @throws BenchFailure if one is not ready within {@code timeout}
     */
    void awaitReady(Duration timeout);

    /** How many times readers fetched rows from the store out of band (catch-ups, polls that found rows). */
    long storeFetches();

    @Override
    void close();
}
