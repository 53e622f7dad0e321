package org.myelin.http.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Json;

/** The Netty HTTP server over real loopback sockets: routing, errors, limits, timeouts, saturation. */
class HttpServerTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private HttpServer start(HttpServer.Builder builder) throws IOException {
        return keep(builder.bind("127.0.0.1", 0));
    }

    private RawHttp client(HttpServer server) throws IOException {
        return keep(new RawHttp(server.port()));
    }

    private static HttpEndpoint text(String body) {
        return request -> new HttpResponse(200, "text/plain", body.getBytes(UTF_8), Map.of());
    }

    @Test
    void unknownPathsAre404AndWrongMethods405WithAllow() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/status", text("ok")).post("/status/{x}", text("x"))
                .route("PUT", "/status/{x}", text("x")));
        RawHttp c = client(server);
        RawHttp.Answer missing = c.get("/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("content-type")).isEqualTo("application/json");
        assertThat(Json.parse(missing.body()).get("error").asText()).contains("/nope");

        RawHttp.Answer post = c.post("/status", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("allow")).isEqualTo("GET");
        assertThat(Json.parse(post.body()).has("error")).isTrue();

        RawHttp.Answer get = c.get("/status/a");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("allow")).isEqualTo("POST, PUT");
        assertThat(c.get("/status").body()).as("the connection stays usable").isEqualTo("ok");
        assertThat(c.get("/status/").status()).as("an empty segment is no parameter").isEqualTo(404);
    }

    @Test
    void anEndpointThatThrowsGetsA500JsonErrorAndTheConnectionLives() throws Exception {
        HttpServer server = start(HttpServer.builder()
                .get("/boom", request -> {
                    throw new IllegalStateException("broken on purpose");
                })
                .get("/null", request -> null)
                .get("/ok", text("ok")));
        RawHttp c = client(server);
        RawHttp.Answer boom = c.get("/boom");
        assertThat(boom.status()).isEqualTo(500);
        assertThat(Json.parse(boom.body()).get("error").asText()).isEqualTo("internal error");
        assertThat(c.get("/null").status()).isEqualTo(500);
        assertThat(c.get("/ok").status()).isEqualTo(200);
        assertThat(server.stats().endpointFailures()).isEqualTo(2);
    }

    @Test
    void pathParametersAndQueriesArePercentDecodedStrictly() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/echo/{name}", request -> new HttpResponse(200,
                "text/plain", (request.pathParams().get("name") + "|" + request.path() + "|"
                        + request.queryParam("q").orElse("-")).getBytes(UTF_8), Map.of())));
        RawHttp c = client(server);
        assertThat(c.get("/echo/a%20b%2Fc%C3%A9?q=x%20y+z").body()).isEqualTo("a b/cé|/echo/a b/cé|x y z");
        assertThat(c.get("/echo/a+b").body()).as("'+' is a space only in queries").startsWith("a+b|");
        assertThat(c.get("/echo/%zz").status()).isEqualTo(400);
        assertThat(c.get("/echo/%C3%28").status()).as("invalid UTF-8 once decoded").isEqualTo(400);
        assertThat(c.get("/echo/%E").status()).isEqualTo(400);
        assertThat(c.get("/echo/ok?q=%zz").status()).isEqualTo(400);
        assertThat(c.get("/echo/ok").status()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413WithoutBeingRead() throws Exception {
        HttpServer server = start(HttpServer.builder().post("/in", text("in"))
                .settings(HttpSettings.defaults().withMaxBodyBytes(1024)));
        try (RawHttp announced = new RawHttp(server.port())) {
            // only the head is sent: the answer must not wait for a body it will never read
            announced.send("POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
            RawHttp.Answer a = announced.read();
            assertThat(a.status()).isEqualTo(413);
            assertThat(Json.parse(a.body()).get("error").asText()).contains("1024");
            assertThat(announced.closedByServer()).isTrue();
        }
        try (RawHttp chunked = new RawHttp(server.port())) {
            chunked.send("POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "400\r\n" + "a".repeat(1024) + "\r\n" + "10\r\n" + "b".repeat(16) + "\r\n");
            assertThat(chunked.read().status()).isEqualTo(413);
            assertThat(chunked.closedByServer()).isTrue();
        }
        RawHttp c = client(server);
        assertThat(c.post("/in", "x".repeat(1024)).status()).as("exactly the limit is fine").isEqualTo(200);
    }

    @Test
    void theDefaultLimitIs16MiB() throws Exception {
        HttpServer server = start(HttpServer.builder().post("/in", text("in")));
        RawHttp c = client(server);
        c.send("POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: " + (16 * 1024 * 1024 + 1) + "\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(413);
    }

    @Test
    void aSaturatedPoolAnswers503WithRetryAfterAndRecovers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        HttpServer server = start(HttpServer.builder()
                .get("/slow", request -> {
                    entered.countDown();
                    release.await(30, TimeUnit.SECONDS);
                    return new HttpResponse(200, "text/plain", "done".getBytes(UTF_8), Map.of());
                })
                .settings(HttpSettings.defaults().withWorkers(1, 1)));
        RawHttp first = client(server);
        CompletableFuture<RawHttp.Answer> a = CompletableFuture.supplyAsync(() -> call(first, "/slow"));
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        RawHttp second = client(server);
        RawHttp third = client(server);
        CompletableFuture<RawHttp.Answer> b = CompletableFuture.supplyAsync(() -> call(second, "/slow"));
        CompletableFuture<RawHttp.Answer> c = CompletableFuture.supplyAsync(() -> call(third, "/slow"));
        // one of the two finds the single queue slot taken and is refused at once
        CompletableFuture.anyOf(b, c).get(20, TimeUnit.SECONDS);
        RawHttp.Answer refused = b.isDone() ? b.get() : c.get();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(server.stats().busyRejections()).isEqualTo(1);
        release.countDown();
        assertThat(a.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        RawHttp.Answer queued = b.isDone() && b.get() == refused ? c.get(20, TimeUnit.SECONDS) : b.get(20, TimeUnit.SECONDS);
        assertThat(queued.status()).isEqualTo(200);
        assertThat(call(refused == b.get() ? second : third, "/slow").status()).as("served again").isEqualTo(200);
    }

    @Test
    void bodiesWaitingForWorkersAreBoundedInBytes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        HttpEndpoint slow = request -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return new HttpResponse(200, "text/plain", "done".getBytes(UTF_8), Map.of());
        };
        HttpServer server = start(HttpServer.builder().post("/in", slow).get("/in", slow)
                .settings(HttpSettings.defaults().withWorkers(1, 10).withMaxQueuedBodyBytes(1000)));
        RawHttp first = client(server);
        CompletableFuture<RawHttp.Answer> a = CompletableFuture.supplyAsync(() -> {
            try {
                return first.post("/in", "x".repeat(600));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
        RawHttp.Answer second = client(server).post("/in", "y".repeat(600));
        assertThat(second.status()).as("600 + 600 bytes > 1000").isEqualTo(503);
        assertThat(second.header("retry-after")).isEqualTo("1");
        RawHttp third = client(server);
        CompletableFuture<RawHttp.Answer> small = CompletableFuture.supplyAsync(() -> call(third, "/in"));
        release.countDown();
        assertThat(a.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(small.get(20, TimeUnit.SECONDS).status()).as("a bodiless request still fits").isEqualTo(200);
        assertThat(client(server).post("/in", "z".repeat(900)).status()).as("budget given back").isEqualTo(200);
    }

    @Test
    void bodiesBeingReceivedCountTowardsTheBoundToo() throws Exception {
        HttpServer server = start(HttpServer.builder().post("/in", text("in"))
                .settings(HttpSettings.defaults().withMaxBodyBytes(800).withMaxQueuedBodyBytes(1000)));
        RawHttp a = client(server);
        a.send("POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\n" + "a".repeat(600)); // stalls
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().bodyBytesInMemory() == 600);
        RawHttp b = client(server);
        b.send("POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 800\r\n\r\n" + "b".repeat(600));
        RawHttp.Answer refused = b.read();
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("retry-after")).isEqualTo("1");
        assertThat(b.closedByServer()).isTrue();
        a.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().bodyBytesInMemory() == 0);
        assertThat(client(server).post("/in", "c".repeat(800)).status()).isEqualTo(200);
        assertThat(server.stats().bodyBytesInMemory()).isZero();
    }

    private static RawHttp.Answer call(RawHttp c, String target) {
        try {
            return c.get(target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/echo/{n}", request -> new HttpResponse(200,
                "text/plain", request.pathParams().get("n").getBytes(UTF_8), Map.of())));
        RawHttp c = client(server);
        StringBuilder both = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            both.append("GET /echo/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        c.send(both.toString());
        for (int i = 0; i < 10; i++) {
            assertThat(c.read().body()).isEqualTo(String.valueOf(i));
        }
    }

    @Test
    void garbageIs400AndClosed() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/ok", text("ok")));
        RawHttp c = client(server);
        c.send("HELLO THERE\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(400);
        assertThat(c.closedByServer()).isTrue();
        RawHttp d = client(server);
        d.send("GET /ok HTTP/1.1\r\nHost: x\r\nX-Long: " + "h".repeat(20_000) + "\r\n\r\n");
        assertThat(d.read().status()).as("headers over 8 KiB").isEqualTo(400);
    }

    @Test
    void connectionsOverTheCapAreClosedOnAccept() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/ok", text("ok"))
                .settings(HttpSettings.defaults().withMaxConnections(3)));
        List<RawHttp> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawHttp c = client(server);
            assertThat(c.get("/ok").status()).isEqualTo(200);
            three.add(c);
        }
        try (RawHttp fourth = new RawHttp(server.port())) {
            assertThat(fourth.closedByServer()).isTrue();
        }
        assertThat(server.stats().refusedConnections()).isEqualTo(1);
        three.get(0).close();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().openConnections() == 2);
        assertThat(client(server).get("/ok").status()).isEqualTo(200);
    }

    @Test
    void idleKeptAliveConnectionsAndSilentOnesAreClosed() throws Exception {
        HttpServer server = start(HttpServer.builder().get("/ok", text("ok")).settings(HttpSettings.defaults()
                .withReadTimeout(Duration.ofSeconds(1)).withIdleTimeout(Duration.ofSeconds(1))));
        RawHttp silent = client(server);
        RawHttp idle = client(server);
        assertThat(idle.get("/ok").status()).isEqualTo(200);
        long start = System.nanoTime();
        assertThat(silent.closedByServer()).isTrue();
        assertThat(idle.closedByServer()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        assertThat(server.stats().timeouts()).isEqualTo(2);
    }

    @Test
    void aClientThatDoesNotReadItsAnswerIsClosedAfterTheReadTimeout() throws Exception {
        byte[] big = new byte[32 * 1024 * 1024];
        HttpServer server = start(HttpServer.builder()
                .get("/big", request -> new HttpResponse(200, "application/octet-stream", big, Map.of()))
                .settings(HttpSettings.defaults().withReadTimeout(Duration.ofSeconds(1))));
        RawHttp c = client(server);
        c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"); // and never reads
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().timeouts() == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().openConnections() == 0);
    }

    @Test
    void closeStopsEverything() throws Exception {
        HttpServer server = HttpServer.builder().get("/ok", text("ok")).bind("127.0.0.1", 0);
        RawHttp c = keep(new RawHttp(server.port()));
        assertThat(c.get("/ok").status()).isEqualTo(200);
        server.close();
        server.close();
        assertThat(c.closedByServer()).isTrue();
    }
}
