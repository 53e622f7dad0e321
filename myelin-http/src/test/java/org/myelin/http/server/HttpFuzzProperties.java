package org.myelin.http.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.protocol.RawJson;

/**
 * Random and mutated requests against the main's API (real endpoints, real server, real sockets):
 * every complete request gets an HTTP answer, anything else an answer or a close, never a hang; no
 * endpoint throws; a well-behaved client on its own kept-alive connection is served throughout; and
 * connections and heap come back down afterwards.
 */
class HttpFuzzProperties {
    private static TestApi api;
    private static HttpServer server;
    private static RawHttp wellBehaved;
    private static int tries;

    @BeforeContainer
    static void start() throws IOException {
        api = new TestApi();
        List<RawJson> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(RawJson.of("[\"ev\"," + i + "]"));
        }
        api.append("events", rows, false);
        server = api.start(HttpSettings.defaults().withReadTimeout(Duration.ofSeconds(2))
                .withMaxBodyBytes(1024 * 1024));
        wellBehaved = new RawHttp(server.port(), 30_000);
        // its first request at once: a connection silent for the read timeout is closed as a slow client
        assertThat(wellBehaved.get("/_myelin/v1/status").status()).isEqualTo(200);
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            assertThat(server.stats().endpointFailures()).as("no endpoint threw").isZero();
            wellBehaved.close();
            await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().openConnections() == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> server.stats().bodyBytesInMemory() == 0);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            assertThat(rt.totalMemory() - rt.freeMemory()).as("heap after the fuzz").isLessThan(256L << 20);
        } finally {
            server.close();
        }
    }

    /** One input: bytes, and whether it is a complete, well-framed request. */
    record Case(byte[] bytes, boolean complete, String kind) {
        @Override
        public String toString() {
            String text = new String(bytes, 0, Math.min(bytes.length, 600), ISO_8859_1)
                    .replace("\r", "\\r").replace("\n", "\\n");
            return kind + (complete ? " complete " : " partial ") + bytes.length + " bytes: " + text;
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        return Arbitraries.randoms().map(HttpFuzzProperties::generate);
    }

    @Property(tries = 2500, seed = "20261129", shrinking = ShrinkingMode.OFF)
    void everyRequestIsAnsweredOrClosedAndNothingHangs(@ForAll("cases") Case c) throws Exception {
        try (RawHttp client = new RawHttp(server.port(), 15_000)) {
            try {
                client.send(c.bytes());
            } catch (SocketException e) {
                // the server may close before reading everything (413, 400): fine if it answered
            }
            if (c.complete()) {
                RawHttp.Answer a = readFinal(client);
                assertThat(a.status()).as(c.toString()).isBetween(200, 599);
                if (a.status() >= 400 && !a.headers().getOrDefault("content-type", "").isEmpty()) {
                    assertThat(a.header("content-type")).isEqualTo("application/json");
                }
            } else {
                client.shutdownOutput();
                try {
                    readFinal(client);
                } catch (EOFException | SocketException e) {
                    // closed without an answer: fine for a request that never completed
                }
            }
        }
        if (++tries % 50 == 0) {
            assertThat(wellBehaved.get("/_myelin/v1/status").status()).as("the well-behaved client").isEqualTo(200);
        }
    }

    /** Endpoint-level inputs: what the router hands an endpoint, without the socket. */
    record EndpointCase(boolean catchUp, HttpRequest request) {
        @Override
        public String toString() {
            return (catchUp ? "catch-up " : "append ") + request.pathParams() + " " + request.query() + " "
                    + request.headers() + " " + new String(request.body(), 0, Math.min(request.body().length, 300),
                            ISO_8859_1);
        }
    }

    @Provide
    Arbitrary<EndpointCase> endpointCases() {
        return Arbitraries.randoms().map(HttpFuzzProperties::endpointCase);
    }

    private static final AppendRowsEndpoint APPEND = new AppendRowsEndpoint((stream, rows, same) -> {
        List<Long> tokens = new java.util.ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            tokens.add(same ? 1L : i + 1L); // nothing kept: 100,000 inputs must not pile up rows
        }
        return tokens;
    });

    /**
     * The same inputs' parts straight into the endpoints, 100,000 of them with a fixed seed: an
     * endpoint never throws and always answers a status with a JSON error body.
     */
    @Property(tries = 100_000, seed = "20261129", shrinking = ShrinkingMode.OFF)
    void theEndpointsAnswerEveryInputWithoutThrowing(@ForAll("endpointCases") EndpointCase c) throws Exception {
        HttpEndpoint endpoint = c.catchUp()
                ? new StreamUpdatesHandler(api::updates, "master", TestApi.SECRET)
                : APPEND;
        HttpResponse answer = endpoint.handle(c.request());
        assertThat(answer).as(c.toString()).isNotNull();
        assertThat(answer.status()).as(c.toString()).isBetween(200, 599);
        if (answer.status() >= 400) {
            assertThat(answer.contentType()).as(c.toString()).isEqualTo("application/json");
        }
    }

    private static EndpointCase endpointCase(Random r) {
        boolean catchUp = r.nextBoolean();
        java.util.Map<String, String> headers = new java.util.HashMap<>();
        int auth = r.nextInt(4);
        if (auth > 0) {
            headers.put("authorization", auth == 1 ? "Bearer " + TestApi.SECRET : auth == 2 ? "Bearer nope" : text(r, 20));
        }
        java.util.Map<String, List<String>> query = new java.util.HashMap<>();
        java.util.Map<String, String> params = new java.util.HashMap<>();
        byte[] body = new byte[0];
        String method;
        if (catchUp) {
            method = "GET";
            params.put("stream", segment(r));
            params.put("txn_id", segment(r));
            if (r.nextInt(6) != 0) {
                query.put("from_token", List.of(number(r)));
            }
            if (r.nextInt(6) != 0) {
                query.put("upto_token", List.of(number(r)));
            }
            if (r.nextInt(10) == 0) {
                query.put(text(r, 8), List.of(text(r, 8)));
            }
        } else {
            method = "POST";
            params.put("stream", segment(r));
            body = body(r);
        }
        return new EndpointCase(catchUp, new HttpRequest(method, "/fuzz", params, query, headers, body, null));
    }

    private static RawHttp.Answer readFinal(RawHttp client) throws IOException {
        RawHttp.Answer a = client.read();
        while (a.status() < 200) { // 100 Continue
            a = client.read();
        }
        return a;
    }

    // ---- generation ----

    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "get", "G3T",
            "CONNECT", "TRACE", "POSTX"};
    private static final String[] WEIRD = {"%", "%2", "%zz", "%00", "%C3%28", "%ED%A0%80", "%2E", "..", ".", "%2F",
            "+", " ", "\u00e9", "\t", "?", "#", "//", "\\", "*", "%25", "{stream}"};

    static Case generate(Random r) {
        int kind = r.nextInt(10);
        if (kind == 0) {
            byte[] junk = new byte[r.nextInt(2000)];
            r.nextBytes(junk);
            return new Case(junk, false, "random bytes");
        }
        byte[] request = request(r);
        if (kind == 1) {
            return new Case(mutate(r, request), false, "mutated");
        }
        if (kind == 2 && request.length > 1) {
            return new Case(java.util.Arrays.copyOf(request, r.nextInt(request.length)), false, "truncated");
        }
        return new Case(request, true, "request");
    }

    private static byte[] request(Random r) {
        String method = r.nextInt(4) == 0 ? METHODS[r.nextInt(METHODS.length)] : (r.nextBoolean() ? "GET" : "POST");
        String target = target(r);
        byte[] body = r.nextInt(3) == 0 ? new byte[0] : body(r);
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.")
                .append(r.nextInt(8) == 0 ? "0" : "1").append("\r\n");
        if (r.nextInt(8) != 0) {
            head.append("Host: localhost\r\n");
        }
        int auth = r.nextInt(4);
        if (auth > 0) {
            head.append("Authorization: ").append(auth == 1 ? "Bearer s3cret" : auth == 2 ? "Bearer nope" : "Basic x")
                    .append("\r\n");
        }
        for (int i = r.nextInt(4); i > 0; i--) {
            head.append(headerName(r)).append(": ").append(text(r, 40)).append("\r\n");
        }
        if (r.nextInt(10) == 0) {
            head.append("Expect: 100-continue\r\n");
        }
        if (r.nextInt(10) == 0) {
            head.append("Connection: close\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean chunked = body.length > 0 && r.nextInt(5) == 0;
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.writeBytes(head.toString().getBytes(UTF_8));
            int at = 0;
            while (at < body.length) {
                int n = Math.min(body.length - at, 1 + r.nextInt(4096));
                out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(ISO_8859_1));
                out.write(body, at, n);
                out.writeBytes("\r\n".getBytes(ISO_8859_1));
                at += n;
            }
            out.writeBytes("0\r\n\r\n".getBytes(ISO_8859_1));
        } else {
            if (r.nextInt(30) == 0) {
                // announces more than the limit and sends nothing: must be refused at once
                head.append("Content-Length: ").append(2 * 1024 * 1024).append("\r\n\r\n");
                return head.toString().getBytes(UTF_8);
            }
            if (body.length > 0 || r.nextBoolean()) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(UTF_8));
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static String target(Random r) {
        String base = switch (r.nextInt(7)) {
            case 0 -> "/_myelin/v1/status";
            case 1, 2 -> "/_myelin/v1/streams/" + segment(r);
            case 3, 4 -> StreamUpdatesHandler.PATH + segment(r) + "/" + segment(r) + "?from_token="
                    + number(r) + "&upto_token=" + number(r) + (r.nextInt(5) == 0 ? "&" + text(r, 10) : "");
            case 5 -> "/" + text(r, 60);
            default -> "/_myelin/v1/streams/" + "x".repeat(r.nextInt(6000));
        };
        return r.nextInt(20) == 0 ? base + "/" + WEIRD[r.nextInt(WEIRD.length)] : base;
    }

    private static String segment(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> "events";
            case 1 -> "s" + r.nextInt(5);
            case 2 -> WEIRD[r.nextInt(WEIRD.length)];
            default -> text(r, 12);
        };
    }

    private static String number(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> String.valueOf(r.nextInt(600));
            case 1 -> String.valueOf(r.nextLong());
            case 2 -> "99999999999999999999999";
            case 3 -> "-1";
            default -> text(r, 5);
        };
    }

    private static String headerName(Random r) {
        return r.nextInt(5) == 0 ? text(r, 10) : "X-" + (char) ('A' + r.nextInt(26)) + r.nextInt(100);
    }

    /** Printable ASCII mostly, sometimes anything up to U+00FF (sent as Latin-1 bytes). */
    private static String text(Random r, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = r.nextInt(max + 1); i > 0; i--) {
            s.append(r.nextInt(10) == 0 ? (char) r.nextInt(256) : (char) (0x21 + r.nextInt(94)));
        }
        return s.toString().replace("\r", "").replace("\n", "");
    }

    private static byte[] body(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> ("[[\"ev\"," + r.nextInt() + "],[\"x\",{\"a\":\"b\"}]]").getBytes(UTF_8);
            case 1 -> ("{\"rows\":[[1],[2]],\"same_token\":" + r.nextBoolean() + "}").getBytes(UTF_8);
            case 2 -> ("[[\"s\",\"" + (char) (0x80 + r.nextInt(0x700)) + "\"]]").getBytes(UTF_8);
            case 3 -> new byte[] {'[', '"', (byte) (0x80 + r.nextInt(128)), '"', ']'};
            case 4 -> ("[[1e" + (300 + r.nextInt(100_000)) + "]]").getBytes(UTF_8);
            case 5 -> ("[" + "[".repeat(r.nextInt(1000)) + "]".repeat(r.nextInt(1000)) + "]").getBytes(UTF_8);
            case 6 -> ("[{\"k\":1,\"k\":" + r.nextInt(3) + "}]").getBytes(UTF_8);
            case 7 -> ("[" + "0,".repeat(9_990 + r.nextInt(20)) + "0]").getBytes(UTF_8);
            case 8 -> {
                byte[] junk = new byte[r.nextInt(3000)];
                r.nextBytes(junk);
                yield junk;
            }
            case 9 -> ("[" + "1".repeat(1 + r.nextInt(2000)) + "]").getBytes(UTF_8);
            case 10 -> mutate(r, "[[\"ev\",{\"a\":[1,2.5,null,true]}],{\"rows\":[]}]".getBytes(UTF_8));
            default -> text(r, 200).getBytes(ISO_8859_1);
        };
    }

    private static byte[] mutate(Random r, byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(in);
        byte[] b = out.toByteArray();
        for (int i = 1 + r.nextInt(4); i > 0 && b.length > 0; i--) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b = concat(java.util.Arrays.copyOf(b, at), java.util.Arrays.copyOfRange(b,
                        Math.min(b.length, at + 1 + r.nextInt(20)), b.length));
                case 2 -> b = concat(java.util.Arrays.copyOf(b, at), concat(new byte[] {(byte) r.nextInt(256),
                        '\r', '\n'}, java.util.Arrays.copyOfRange(b, at, b.length)));
                default -> b = concat(b, java.util.Arrays.copyOfRange(b, at, b.length));
            }
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
