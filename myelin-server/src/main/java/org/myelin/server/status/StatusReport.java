package org.myelin.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns a process's status document ({@code GET /_myelin/v1/status}, main or worker) into text for
 * a terminal: who it is, streams and writers with their positions (and a worker's lag), links,
 * rates over the last minute, counters.
 */
final class StatusReport {
    private StatusReport() {}

    static String format(JsonNode status, String url) {
        StringBuilder out = new StringBuilder();
        boolean worker = "worker".equals(status.path("role").asText());
        out.append("myelin ").append(status.path("role").asText("?")).append(" '")
                .append(status.path("instance").asText()).append("' of ").append(status.path("server_name").asText())
                .append(", up ").append(duration(status.path("uptime_s").asLong())).append(" (").append(url)
                .append(")\n\n");

        Table streams = new Table("stream", "writer", "position", "lag", "lag ms");
        JsonNode writers = status.path("stream_writers");
        for (Iterator<Map.Entry<String, JsonNode>> it = writers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> stream = it.next();
            for (Iterator<Map.Entry<String, JsonNode>> w = stream.getValue().fields(); w.hasNext(); ) {
                Map.Entry<String, JsonNode> writer = w.next();
                streams.row(stream.getKey(), writer.getKey(), writer.getValue().asText(),
                        worker ? status.path("lag").path(stream.getKey()).path(writer.getKey()).asText("-") : "-",
                        worker ? status.path("lag_ms").path(stream.getKey()).path(writer.getKey()).asText("-") : "-");
            }
        }
        out.append("streams\n").append(streams.render(2, 3, 4)).append('\n');

        Table links = new Table("name", "address", "transport", "state", "pending", "lag", "lag ms");
        for (JsonNode l : status.path("links")) {
            links.row(l.path("name").asText(), l.path("address").asText(), l.path("transport").asText(),
                    l.path("state").asText(), l.path("pending_commands").asText("0"), l.path("lag").asText("-"),
                    l.path("lag_ms").asText("-"));
        }
        out.append("links\n").append(links.size() == 0 ? "  none\n" : links.render(4, 5, 6)).append('\n');

        JsonNode rates = status.path("rates").path("last_minute");
        out.append("rates (per second, mean of the last minute): ").append(pairs(rates)).append('\n');
        out.append("counters: ").append(pairs(status.path("counters"))).append('\n');
        JsonNode closes = worker ? status.path("reconnects") : status.path("close_reasons");
        out.append(worker ? "reconnects by cause: " : "links closed by reason: ").append(pairs(closes)).append('\n');
        return out.toString();
    }

    private static String pairs(JsonNode object) {
        List<String> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(e.getKey().replace('_', ' ') + " " + e.getValue().asText());
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String duration(long seconds) {
        if (seconds < 120) {
            return seconds + " s";
        }
        return seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }

    /** Columns padded to their widest cell; the numeric ones right-aligned. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        int size() {
            return rows.size() - 1;
        }

        String render(int... numeric) {
            int columns = rows.get(0).length;
            int[] width = new int[columns];
            for (String[] r : rows) {
                for (int i = 0; i < columns; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (String[] r : rows) {
                out.append(' ');
                for (int i = 0; i < columns; i++) {
                    boolean right = contains(numeric, i);
                    String cell = r[i];
                    String pad = " ".repeat(width[i] - cell.length());
                    out.append(' ').append(right ? pad + cell : cell + pad);
                }
                out.append('\n');
            }
            return out.toString().replaceAll(" +\n", "\n");
        }

        private static boolean contains(int[] values, int value) {
            for (int v : values) {
                if (v == value) {
                    return true;
                }
            }
            return false;
        }
    }
}
