package org.myelin.http.catchup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.server.HttpServer;
import org.myelin.protocol.RawJson;

/** The catch-up endpoint and its client, over a real HTTP server on loopback. */
class CatchUpOverHttpTest {
    private static final String SECRET = "s3cret";
    private final List<StreamRow> events = new ArrayList<>();
    private HttpServer server;
    private URI base;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Rows with from < token <= upto, about limit of them, never splitting a token. */
    private final UpdateFunction eventsUpdates = (instance, from, upto, limit) -> {
        List<StreamRow> out = new ArrayList<>();
        for (StreamRow r : events) {
            if (r.token() > from && r.token() <= upto) {
                if (out.size() >= limit && r.token() != out.get(out.size() - 1).token()) {
                    return new UpdateBatch(out, out.get(out.size() - 1).token(), true);
                }
                out.add(r);
            }
        }
        return new UpdateBatch(out, upto, false);
    };

    @BeforeEach
    void start() throws IOException {
        for (int token = 1; token <= 150; token++) {
            events.add(new StreamRow(token, RawJson.of("[\"ev\"," + token + "]")));
        }
        server = HttpServer.builder().get(StreamUpdatesHandler.ROUTE, new StreamUpdatesHandler(
                name -> name.equals("events") ? Optional.of(eventsUpdates) : Optional.empty(), "master", SECRET))
                .bind("127.0.0.1", 0);
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersInTheReferenceFormatPagingByHundredRowsOrTheAskedLimit() throws Exception {
        HttpResponse<String> small = get(StreamUpdatesHandler.PATH + "events/tx1?from_token=10&upto_token=12",
                "Bearer " + SECRET);
        assertThat(small.statusCode()).isEqualTo(200);
        assertThat(small.body()).isEqualTo(
                "{\"updates\":[[11,[\"ev\",11]],[12,[\"ev\",12]]],\"upto_token\":12,\"limited\":false}");

        // without a limit (a Synapse client) an answer holds the reference's 100 rows
        HttpResponse<String> page = get(StreamUpdatesHandler.PATH + "events/tx2?from_token=0&upto_token=150",
                "Bearer " + SECRET);
        UpdateBatch first = HttpUpdateFunction.parse(page.body());
        assertThat(first.rows()).hasSize(StreamUpdatesHandler.ROWS_PER_ANSWER);
        assertThat(first.limited()).isTrue();
        assertThat(first.uptoToken()).isEqualTo(100);

        // Myelin's client asks for its page size with limit=, and pages on while limited
        HttpUpdateFunction client = new HttpUpdateFunction(http, base, "events", SECRET, Duration.ofSeconds(5));
        UpdateBatch ten = client.getUpdates("master", 0, 150, 10);
        assertThat(ten.rows()).extracting(StreamRow::token).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(ten.limited()).isTrue();
        assertThat(ten.uptoToken()).isEqualTo(10);
        UpdateBatch rest = client.getUpdates("master", 100, 150, 1000);
        assertThat(rest.rows()).extracting(StreamRow::token).startsWith(101L).endsWith(150L);
        assertThat(rest.limited()).isFalse();
        assertThat(get(StreamUpdatesHandler.PATH + "events/tx3?from_token=0&upto_token=5&limit=0", "Bearer " + SECRET)
                .statusCode()).isEqualTo(400);
    }

    @Test
    void parsesRowsAsSentAndRefusesWhatIsNotAnAnswer() {
        UpdateBatch batch = HttpUpdateFunction.parse("{\"updates\":[[3,[\"a\",{\"b\":[1,2.50]}]],[4,\"x\"],"
                + "[5, [\"\u00e9\", 1] ]],\"limited\":false,\"upto_token\":7,\"new_field\":{\"k\":[1]}}");
        assertThat(batch.rows()).extracting(StreamRow::token).containsExactly(3L, 4L, 5L);
        assertThat(batch.rows().get(0).row().text()).isEqualTo("[\"a\",{\"b\":[1,2.50]}]");
        assertThat(batch.rows().get(1).row().text()).isEqualTo("\"x\"");
        // not compact ASCII: re-encoded to the canonical form
        assertThat(batch.rows().get(2).row().text()).isEqualTo("[\"\\u00e9\",1]");
        assertThat(batch.uptoToken()).isEqualTo(7);
        assertThat(batch.limited()).isFalse();
        for (String bad : List.of("", "[]", "{\"updates\":[],\"upto_token\":1}", "{\"updates\":[[1]],\"upto_token\":1,"
                + "\"limited\":false}", "{\"updates\":[[1,2,3]],\"upto_token\":1,\"limited\":false}",
                "{\"updates\":[],\"upto_token\":1,\"limited\":false} x", "{\"updates\":[[1,[}]],\"upto_token\":1,"
                + "\"limited\":false}", "{\"updates\":[[\"1\",2]],\"upto_token\":1,\"limited\":false}")) {
            assertThatThrownBy(() -> HttpUpdateFunction.parse(bad)).as(bad)
                    .isInstanceOf(org.myelin.protocol.ProtocolException.class);
        }
    }

    @Test
    void refusesMissingOrWrongSecretsUnknownStreamsAndBadTokens() throws Exception {
        String ok = StreamUpdatesHandler.PATH + "events/tx1?from_token=0&upto_token=5";
        assertThat(get(ok, null).statusCode()).isEqualTo(401);
        assertThat(get(ok, "Bearer nope").statusCode()).isEqualTo(403);
        assertThat(get(StreamUpdatesHandler.PATH + "nosuch/tx1?from_token=0&upto_token=5", "Bearer " + SECRET)
                .statusCode()).isEqualTo(400);
        assertThat(get(StreamUpdatesHandler.PATH + "events?from_token=0&upto_token=5", "Bearer " + SECRET)
                .statusCode()).as("no transaction id: no such route, as in Synapse").isEqualTo(404);
        assertThat(get(StreamUpdatesHandler.PATH + "events/tx1?from_token=x&upto_token=5", "Bearer " + SECRET)
                .statusCode()).isEqualTo(400);

        HttpUpdateFunction wrong = new HttpUpdateFunction(http, base, "events", "nope", Duration.ofSeconds(5));
        assertThatThrownBy(() -> wrong.getUpdates("master", 0, 5, 10)).isInstanceOf(IOException.class)
                .hasMessageContaining("403");
    }

    @Test
    void readsEveryAnswerARealSynapseGave() throws Exception {
        Path capture = null;
        for (Path p = Path.of("").toAbsolutePath(); p != null && capture == null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve(
                    "vectors/synapse-1.66/http-get_repl_stream_updates-sqlite.txt");
            if (Files.exists(candidate)) {
                capture = candidate;
            }
        }
        String override = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        if (override != null) {
            capture = Path.of(override, "http-get_repl_stream_updates-sqlite.txt");
        }
        assertThat(capture).as("../shared/vectors/synapse-1.66/http-get_repl_stream_updates-sqlite.txt")
                .isNotNull();
        int answers = 0;
        int rows = 0;
        for (String line : Files.readAllLines(capture, StandardCharsets.UTF_8)) {
            if (line.startsWith("{\"updates\"")) {
                UpdateBatch batch = HttpUpdateFunction.parse(line);
                answers++;
                rows += batch.rows().size();
                // rows come back in the compact form they were sent in
                for (StreamRow row : batch.rows()) {
                    assertThat(line).contains("[" + row.token() + "," + row.row().text() + "]");
                }
            }
        }
        assertThat(answers).isGreaterThanOrEqualTo(14);
        assertThat(rows).isGreaterThan(20);
    }
}
