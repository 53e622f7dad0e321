package org.myelin.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.http.catchup.StreamUpdatesHandler;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * The main's API (real append, status and catch-up endpoints) on the Netty server over loopback:
 * kept-alive requests are fast (F3), slow clients stall nothing (F2), and the strictness findings
 * that depend on the transport (F8: paths, methods).
 */
class ApiOverSocketsTest {
    private final TestApi api = new TestApi();
    private HttpServer server;
    private final List<RawHttp> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        List<RawJson> rows = new ArrayList<>();
        for (int i = 1; i <= 20_000; i++) {
            rows.add(RawJson.of("[\"ev\",[\"$" + i + "\",\"!room:localhost\",\"m.room.message\"]]"));
        }
        api.append("events", rows, false);
        server = api.start(HttpSettings.defaults().withReadTimeout(Duration.ofSeconds(1)));
    }

    @AfterEach
    void stop() throws Exception {
        for (RawHttp c : clients) {
            c.close();
        }
        server.close();
    }

    private RawHttp client() throws Exception {
        RawHttp c = new RawHttp(server.port());
        clients.add(c);
        return c;
    }

    private static String page(long from) {
        return StreamUpdatesHandler.PATH + "events/tx" + from + "?from_token=" + from + "&upto_token=20000";
    }

    @Test
    void twoHundredKeptAliveCatchUpRequestsTakeMillisecondsEachNotFortyMs() throws Exception {
        RawHttp c = client();
        c.get(page(0)); // warm up
        long[] each = new long[200];
        long start = System.nanoTime();
        long from = 0;
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            RawHttp.Answer a = c.get(page(from));
            each[i] = System.nanoTime() - t0;
            assertThat(a.status()).isEqualTo(200);
            from = Json.parse(a.body()).get("upto_token").asLong();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(from).isEqualTo(20_000);
        // Nagle plus delayed ACK put a floor of 40 ms under every request (8 s for 200), however idle
        // the machine; a loaded machine makes some requests slow but not all of them
        java.util.Arrays.sort(each);
        assertThat(Duration.ofNanos(each[20])).as("10th percentile").isLessThan(Duration.ofMillis(25));
        assertThat(took).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void fiftyStalledClientsStallNothingAndAreClosedAfterTheReadTimeout() throws Exception {
        List<RawHttp> stalled = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RawHttp s = client();
            s.send(i % 2 == 0
                    ? "POST /_myelin/v1/streams/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n[[1],"
                    : "GET /_myelin/v1/sta");
            stalled.add(s);
        }
        RawHttp good = client();
        long start = System.nanoTime();
        assertThat(good.get("/_myelin/v1/status").status()).isEqualTo(200);
        assertThat(good.post("/_myelin/v1/streams/typing", "[[\"t\",1]]").status()).isEqualTo(200);
        assertThat(good.get(page(100)).status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered while 50 clients stall")
                .isLessThan(Duration.ofSeconds(3));
        for (RawHttp s : stalled) {
            assertThat(s.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.stats().timeouts() >= 50);
        assertThat(api.rows("events")).as("no half-sent row was stored").hasSize(20_000);
        assertThat(good.get("/_myelin/v1/status").status()).as("a busy client is not timed out").isEqualTo(200);
    }

    @Test
    void dotStreamNamesAreRefusedHoweverEncoded() throws Exception {
        RawHttp c = client();
        for (String name : List.of(".", "..", "%2E", "%2e%2E", "a%2Fb")) {
            assertThat(c.post("/_myelin/v1/streams/" + name, "[[1]]").status()).as(name).isEqualTo(400);
        }
        assertThat(c.post("/_myelin/v1/streams/ok%2Dname", "[[1]]").status()).isEqualTo(200);
        assertThat(api.rows("ok-name")).hasSize(1);
    }

    @Test
    void theCatchUpEndpointPercentDecodesItsPath() throws Exception {
        RawHttp c = client();
        RawHttp.Answer a = c.get(StreamUpdatesHandler.PATH + "ev%65nts/t%20x?from_token=0&upto_token=2");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).startsWith("{\"updates\":[[1,");
        assertThat(c.get(StreamUpdatesHandler.PATH + "ev%ZZnts/tx?from_token=0&upto_token=2").status())
                .isEqualTo(400);
    }

    @Test
    void statusAnswersOnlyGetAndWritesOnlyPost() throws Exception {
        RawHttp c = client();
        RawHttp.Answer post = c.post("/_myelin/v1/status", "{}");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("allow")).isEqualTo("GET");
        RawHttp.Answer get = c.get("/_myelin/v1/streams/events");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.header("allow")).isEqualTo("POST");
        assertThat(c.get("/_myelin/v2/status").status()).isEqualTo(404);
    }
}
