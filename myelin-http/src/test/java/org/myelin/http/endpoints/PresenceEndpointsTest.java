package org.myelin.http.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.presence.PresenceRow;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.core.presence.SyncSettings;
import org.myelin.core.presence.SyncingUsers;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.Json;
import org.myelin.protocol.UserIpCommand;

/** The presence endpoints called directly, as the HTTP server will. */
class PresenceEndpointsTest {
    final AtomicLong clock = new AtomicLong(1_000);
    final List<String> sent = new ArrayList<>();
    final SyncingUsers users = new SyncingUsers("w1.abc", SyncSettings.defaults(), clock::get);

    PresenceEndpointsTest() {
        users.connected(new ReplicationConnection() {
            @Override
            public String describe() {
                return "test";
            }

            @Override
            public void send(Command command) {
                sent.add(CommandCodec.encode(command));
            }

            @Override
            public void close(String errorReason) {}
        });
    }

    static HttpRequest request(String method, String path, Map<String, String> params, String body) {
        return new HttpRequest(method, path, params, Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8), null);
    }

    static JsonNode json(HttpResponse r) {
        return Json.parse(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void syncStartsAndStopsAUserOnThisInstance() {
        SyncEndpoint sync = new SyncEndpoint(users);
        HttpResponse r = sync.handle(request("POST", "/_myelin/v1/sync/@a:x", Map.of("user_id", "@a:x"),
                "{\"syncing\": true, \"device_id\": \"PHONE\"}"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).get("instance_id").asText()).isEqualTo("w1.abc");
        assertThat(sent).containsExactly("USER_SYNC w1.abc @a:x PHONE start 1000");

        r = sync.handle(request("POST", "/", Map.of("user_id", "@a:x"), "{\"syncing\": false, \"device_id\": \"PHONE\"}"));
        assertThat(r.status()).isEqualTo(200);
        r = sync.handle(request("POST", "/", Map.of("user_id", "@a:x"), "{\"syncing\": false, \"device_id\": \"PHONE\"}"));
        assertThat(r.status()).isEqualTo(409);
    }

    @Test
    void syncRefusesBadInputWithReasons() {
        SyncEndpoint sync = new SyncEndpoint(users);
        assertThat(sync.handle(request("POST", "/", Map.of("user_id", "@a:x"), "nope")).status()).isEqualTo(400);
        assertThat(sync.handle(request("POST", "/", Map.of("user_id", "@a:x"), "{\"syncing\": 1}")).status())
                .isEqualTo(400);
        assertThat(sync.handle(request("POST", "/", Map.of("user_id", "@a x"), "{\"syncing\": true}")).status())
                .isEqualTo(400);
        HttpResponse get = sync.handle(request("GET", "/", Map.of("user_id", "@a:x"), ""));
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers()).containsEntry("Allow", "POST");
        users.close();
        assertThat(sync.handle(request("POST", "/", Map.of("user_id", "@a:x"), "{\"syncing\": true}")).status())
                .isEqualTo(503);
        assertThat(sent).containsExactly("CLEAR_USER_SYNC w1.abc");
    }

    @Test
    void userIpIsSentAsUserIpOnEveryLink() {
        List<UserIpCommand> out = new ArrayList<>();
        UserIpEndpoint ip = new UserIpEndpoint(c -> {
            out.add(c);
            return 1;
        }, clock::get);
        HttpResponse r = ip.handle(request("POST", UserIpEndpoint.ROUTE, Map.of(),
                "{\"user_id\":\"@a:x\",\"access_token\":\"tok\",\"ip\":\"10.0.0.1\",\"user_agent\":\"curl\"}"));
        assertThat(r.status()).isEqualTo(202);
        assertThat(out).containsExactly(new UserIpCommand("@a:x", "tok", "10.0.0.1", "curl", null, 1000));
        assertThat(ip.handle(request("POST", "/", Map.of(), "{\"user_id\":\"@a:x\",\"ip\":\"1\"}")).status())
                .isEqualTo(400);
        UserIpEndpoint noLink = new UserIpEndpoint(c -> 0, clock::get);
        assertThat(noLink.handle(request("POST", "/", Map.of(),
                "{\"user_id\":\"@a:x\",\"access_token\":\"t\",\"ip\":\"1\",\"last_seen_ms\":5}")).status())
                .isEqualTo(503);
    }

    @Test
    void presenceAnswersTheStateAndTheInstancesHoldingTheUser() {
        List<PresenceRow> rows = new ArrayList<>();
        PresenceWriter writer = new PresenceWriter(PresenceSettings.defaults(), clock::get, rows::add);
        writer.userSync("w2", "@a:x", null, true);
        writer.userSync("w1", "@a:x", null, true);
        PresenceEndpoint endpoint = new PresenceEndpoint(writer);

        JsonNode a = json(endpoint.handle(request("GET", "/", Map.of("user_id", "@a:x"), "")));
        assertThat(a.get("presence").asText()).isEqualTo("online");
        assertThat(a.get("currently_active").asBoolean()).isTrue();
        assertThat(a.get("instances").toString()).isEqualTo("[\"w1\",\"w2\"]");

        JsonNode nobody = json(endpoint.handle(request("GET", "/", Map.of("user_id", "@b:x"), "")));
        assertThat(nobody.get("presence").asText()).isEqualTo("offline");
        assertThat(nobody.get("instances")).isEmpty();
    }

    @Test
    void statusAndMetricsServeWhatTheyAreGiven() throws Exception {
        HttpResponse status = new StatusEndpoint(() -> Json.mapper().createObjectNode().put("instance", "w1"))
                .handle(request("GET", "/", Map.of(), ""));
        assertThat(json(status).get("instance").asText()).isEqualTo("w1");
        HttpResponse metrics = new MetricsEndpoint("text/plain; version=0.0.4",
                out -> out.write("m 1\n".getBytes(StandardCharsets.UTF_8))).handle(request("GET", "/", Map.of(), ""));
        assertThat(new String(metrics.body(), StandardCharsets.UTF_8)).isEqualTo("m 1\n");
        assertThat(metrics.contentType()).startsWith("text/plain");
    }
}
