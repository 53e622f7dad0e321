package org.myelin.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import picocli.CommandLine;

/** {@code myelin write}: appends rows to a stream through the main process's HTTP API. */
@CommandLine.Command(
        name = "write",
        mixinStandardHelpOptions = true,
        description = {
            "Append rows to a stream of a running 'myelin main'.",
            "",
            "Each row is one JSON value (Synapse rows are arrays) and gets its own token, unless "
                + "--same-token. With '-' rows are read from standard input, one JSON value per line, and "
                + "sent in requests of --batch rows. Prints the answer of each request "
                + "({\"stream\":..,\"tokens\":[..]}).",
            "",
            "Example:  myelin write events "
                + "'[\"ev\",[\"$1\",\"!room:x\",\"m.room.message\",null,null,null,null,0,0]]'"
        })
public final class WriteCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--to", defaultValue = "http://127.0.0.1:9093", paramLabel = "URL",
            description = "The main process's HTTP API. Default: ${DEFAULT-VALUE}.")
    URI to;

    @CommandLine.Option(names = "--same-token", description = "Give all the rows of the command line one token.")
    boolean sameToken;

    @CommandLine.Option(names = "--batch", defaultValue = "500", paramLabel = "ROWS",
            description = "Rows per request when reading standard input. Default: ${DEFAULT-VALUE}.")
    int batch;

    @CommandLine.Parameters(index = "0", paramLabel = "STREAM", description = "The stream to append to.")
    String stream;

    @CommandLine.Parameters(index = "1..*", paramLabel = "ROW_JSON|-", arity = "1..*",
            description = "Rows as JSON, or '-' to read them from standard input.")
    List<String> rows;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if (batch < 1) {
            err.println("myelin write: --batch must be at least 1");
            return 2;
        }
        try {
            if (rows.equals(List.of("-"))) {
                return fromStdin();
            }
            List<JsonNode> parsed = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                parsed.add(parseRow(rows.get(i), "argument " + (i + 2)));
            }
            return post(parsed, sameToken);
        } catch (BadRow e) {
            err.println("myelin write: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("myelin write: cannot reach " + to + " (is 'myelin main' running?): " + e);
            return 1;
        }
    }

    private int fromStdin() throws IOException, InterruptedException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<JsonNode> pending = new ArrayList<>();
        int lineNumber = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            pending.add(parseRow(line, "line " + lineNumber));
            if (pending.size() == batch) {
                int status = post(pending, false);
                if (status != 0) {
                    return status;
                }
                pending.clear();
            }
        }
        return pending.isEmpty() ? 0 : post(pending, false);
    }

    private static JsonNode parseRow(String text, String where) {
        try {
            return Json.parse(text);
        } catch (ProtocolException e) {
            throw new BadRow(where + " is not a JSON row: " + e.getMessage());
        }
    }

    private int post(List<JsonNode> batchRows, boolean same) throws IOException, InterruptedException {
        ObjectNode body = Json.mapper().createObjectNode().put("same_token", same);
        ArrayNode list = body.putArray("rows");
        batchRows.forEach(list::add);
        URI uri = to.resolve("/_myelin/v1/streams/" + stream);
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String reason = response.body();
            try {
                reason = Json.parse(response.body()).path("error").asText(reason);
            } catch (ProtocolException ignored) {
                // not JSON: show it as it is
            }
            spec.commandLine().getErr().println("myelin write: " + uri + " answered " + response.statusCode()
                    + ": " + reason.strip());
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(response.body().strip());
        out.flush();
        return 0;
    }

    /** A row given on the command line or stdin is not JSON. */
    private static final class BadRow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRow(String message) {
            super(message);
        }
    }
}
