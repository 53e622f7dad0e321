package org.myelin.http.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.http.api.Endpoints;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * The main's HTTP API with its real endpoints (append, status, catch-up) over an in-memory store,
 * so that the server can be tested without SQLite.
 */
final class TestApi {
    static final String SECRET = "s3cret";
    private final Map<String, List<StreamRow>> streams = new ConcurrentHashMap<>();

    synchronized List<Long> append(String stream, List<RawJson> rows, boolean sameToken) {
        List<StreamRow> list = streams.computeIfAbsent(stream, s -> new ArrayList<>());
        long token = list.isEmpty() ? 0 : list.get(list.size() - 1).token();
        List<Long> tokens = new ArrayList<>();
        for (RawJson row : rows) {
            if (!sameToken || tokens.isEmpty()) {
                token++;
            }
            list.add(new StreamRow(token, row));
            tokens.add(token);
        }
        return tokens;
    }

    synchronized List<StreamRow> rows(String stream) {
        return List.copyOf(streams.getOrDefault(stream, List.of()));
    }

    Optional<UpdateFunction> updates(String stream) {
        if (!streams.containsKey(stream)) {
            return Optional.empty();
        }
        return Optional.of((instance, from, upto, limit) -> page(stream, from, upto, limit));
    }

    /** Rows with from < token <= upto, about limit of them, never splitting a token; found by binary search. */
    private synchronized UpdateBatch page(String stream, long from, long upto, int limit) {
        List<StreamRow> all = streams.get(stream);
        int lo = 0;
        int hi = all.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).token() <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        List<StreamRow> out = new ArrayList<>();
        for (int i = lo; i < all.size() && all.get(i).token() <= upto; i++) {
            StreamRow r = all.get(i);
            if (out.size() >= limit && r.token() != out.get(out.size() - 1).token()) {
                return new UpdateBatch(out, out.get(out.size() - 1).token(), true);
            }
            out.add(r);
        }
        return new UpdateBatch(out, upto, false);
    }

    synchronized ObjectNode status() {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode positions = root.putObject("streams");
        streams.forEach((name, rows) -> positions.put(name, rows.isEmpty() ? 0 : rows.get(rows.size() - 1).token()));
        return root;
    }

    /** The routes of the main's API on these endpoints. */
    HttpServer.Builder routes() {
        return HttpServer.builder().name("test")
                .post(AppendRowsEndpoint.ROUTE, new AppendRowsEndpoint(this::append))
                .get("/_myelin/v1/status", Endpoints.json(this::status))
                .get(StreamUpdatesHandler.ROUTE, new StreamUpdatesHandler(this::updates, "master", SECRET));
    }

    HttpServer start(HttpSettings settings) throws IOException {
        return routes().settings(settings).bind("127.0.0.1", 0);
    }
}
