package org.myelin.server.torture;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.myelin.protocol.Json;

/**
 * The outcome of a torture run.
 *
 * @param options what it was given
 * @param seconds how long it took, start to verdict
 * @param faults faults injected, by kind
 * @param faultLog each fault as it was carried out
 * @param rowsAcknowledged rows the main acknowledged
 * @param requests write requests (each retried until acknowledged)
 * @param sameTokenRequests of which {@code same_token} batches
 * @param retries retried requests
 * @param storeRows rows of the streams in the store at the end
 * @param storeDuplicates rows stored twice because a committed but unacknowledged write was retried
 * @param lastTokens the store's last token per stream
 * @param reprinted rows a SIGKILLed worker printed past its last saved state, which its next run
 *     printed again (allowed: the worker's at-least-once across crashes)
 * @param workers what was checked per worker
 * @param violations violations by kind
 * @param examples the first few violations of each worker
 * @param maxHeapBytes the largest heap in use the main reported (-1 when never sampled)
 * @param heapSamples how many heap samples were taken
 * @param runDirectory where data, logs and outputs are (kept when the run failed or was asked to), or null
 */
public record TortureReport(TortureOptions options, double seconds, Map<FaultKind, Integer> faults,
        List<String> faultLog, long rowsAcknowledged, long requests, long sameTokenRequests, long retries,
        long storeRows, long storeDuplicates, Map<String, Long> lastTokens, long reprinted, List<WorkerResult> workers,
        Map<Violation.Kind, Long> violations, List<Violation> examples, long maxHeapBytes, int heapSamples,
        String runDirectory) {

    /** Whether no violation was found. */
    public boolean passed() {
        return violations.values().stream().mapToLong(Long::longValue).sum() == 0;
    }

    /** Human-readable summary. */
    public void printText(PrintWriter out) {
        out.printf("torture seed %d %s: %.0f s of load, %d workers, %d rows/s, %.1f s in all%n", options.seed(),
                options.redis() ? "on Redis" : "over TCP", options.load().toMillis() / 1000.0, options.workers(),
                options.rate(), seconds);
        out.println("faults injected:");
        faults.forEach((k, n) -> out.printf("  %-16s %d%n", k, n));
        out.printf("rows written: %d acknowledged in %d requests (%d same_token batches, %d retries)%n",
                rowsAcknowledged, requests, sameTokenRequests, retries);
        out.printf("store: %d rows, last tokens %s (%d stored twice by retried writes)%n", storeRows, lastTokens,
                storeDuplicates);
        out.println("workers (--state, resumed per stream):");
        for (WorkerResult w : workers) {
            out.printf("  %-4s %d runs, printed up to %s, %d rows checked%n", w.name(), w.runs(), w.lastPrinted(),
                    w.rowsChecked());
        }
        out.printf("rows printed again after a SIGKILL (past the last saved state, allowed): %d%n", reprinted);
        out.printf("main heap: max %.1f MiB in use (%d samples, -Xmx%s)%n", maxHeapBytes / 1048576.0, heapSamples,
                options.mainHeap());
        long total = violations.values().stream().mapToLong(Long::longValue).sum();
        out.println("violations: " + total + (total == 0 ? "" : " " + violations));
        examples.forEach(v -> out.println("  " + v));
        if (runDirectory != null) {
            out.println("run directory: " + runDirectory);
        }
        out.println(passed() ? "PASSED" : "FAILED");
    }

    /** One JSON document. */
    public void printJson(PrintWriter out) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("passed", passed())
                .put("seed", options.seed())
                .put("transport", options.redis() ? "redis" : "tcp")
                .put("load_seconds", options.load().toMillis() / 1000.0)
                .put("workers", options.workers())
                .put("rate", options.rate())
                .put("flood_size", options.floodSize())
                .put("seconds", seconds);
        ObjectNode f = root.putObject("faults");
        faults.forEach((k, n) -> f.put(k.name().toLowerCase(), n));
        ArrayNode fl = root.putArray("fault_log");
        faultLog.forEach(fl::add);
        root.putObject("writes").put("rows_acknowledged", rowsAcknowledged).put("requests", requests)
                .put("same_token_requests", sameTokenRequests).put("retries", retries);
        ObjectNode st = root.putObject("store").put("rows", storeRows).put("rows_stored_twice_by_retries",
                storeDuplicates);
        ObjectNode lt = st.putObject("last_token");
        lastTokens.forEach(lt::put);
        ArrayNode ws = root.putArray("worker_results");
        for (WorkerResult w : workers) {
            ObjectNode wo = ws.addObject().put("name", w.name()).put("runs", w.runs()).put("rows_checked",
                    w.rowsChecked());
            ObjectNode lp = wo.putObject("last_printed");
            w.lastPrinted().forEach(lp::put);
        }
        root.put("rows_reprinted_after_sigkill", reprinted);
        ObjectNode v = root.putObject("violations");
        violations.forEach((k, n) -> v.put(k.name().toLowerCase(), n));
        ArrayNode ex = root.putArray("examples");
        examples.forEach(e -> ex.add(e.toString()));
        root.putObject("main_heap").put("max_bytes", maxHeapBytes).put("samples", heapSamples)
                .put("xmx", options.mainHeap());
        if (runDirectory != null) {
            root.put("run_directory", runDirectory);
        }
        out.println(Json.write(root));
    }
}
