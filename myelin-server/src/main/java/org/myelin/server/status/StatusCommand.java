package org.myelin.server.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import picocli.CommandLine;

/** {@code myelin status}: a running process's status, for a terminal. */
@CommandLine.Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Show a running 'myelin main' or 'myelin worker --listen-http' process's status: its streams and "
                + "writers with their positions (a worker's lag in tokens and milliseconds), its links (name, "
                + "address, transport, state, lag), rows and commands per second over the last minute, catch-up "
                + "and error counters.",
            "",
            "Reads GET /_myelin/v1/status of the process's HTTP listener; --json prints that document as it is. "
                + "The same listener serves a live dashboard at / and Prometheus metrics at /metrics.",
            "",
            "Exit status: 0, or 1 when nothing answers at the URL.",
            "",
            "Example:  myelin status --url http://127.0.0.1:9094"
        })
public final class StatusCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--url", defaultValue = "http://127.0.0.1:9093", paramLabel = "URL",
            description = "The process's HTTP listener. Default: ${DEFAULT-VALUE} (the main's).")
    URI url;

    @CommandLine.Option(names = "--json", description = "Print the status document as JSON instead.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        URI uri = url.resolve("/_myelin/v1/status");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("myelin status: nothing answers at " + url + " (" + describe(e) + "); is 'myelin main' "
                    + "running there, or the worker started with --listen-http?");
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("myelin status: bad --url " + url + ": " + e.getMessage());
            return 2;
        }
        if (response.statusCode() != 200) {
            err.println("myelin status: " + uri + " answered " + response.statusCode() + "; not a Myelin process?");
            return 1;
        }
        JsonNode status;
        try {
            status = Json.parse(response.body());
        } catch (ProtocolException e) {
            err.println("myelin status: " + uri + " did not answer JSON; not a Myelin process?");
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? Json.write(status) + "\n" : StatusReport.format(status, url.toString()));
        out.flush();
        return 0;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
