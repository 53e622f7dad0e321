package org.myelin.server.torture;

/**
 * What was checked of one worker.
 *
 * @param name its name
 * @param runs how many processes it took (1 + restarts)
 * @param from the token its first process started after
 * @param lastPrinted the last token it printed
 * @param rowsChecked rows it printed that were checked against the store
 */
public record WorkerResult(String name, int runs, long from, long lastPrinted, long rowsChecked) {
}
