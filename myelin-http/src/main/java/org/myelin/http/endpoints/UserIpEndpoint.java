package org.myelin.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;
import org.myelin.protocol.UserIpCommand;

/**
 * {@code POST /_myelin/v1/user_ip} on a worker, with {@code {"user_id", "access_token", "ip",
 * "user_agent", "device_id", "last_seen_ms"}} ({@code user_id}, {@code access_token} and {@code ip}
 * required; {@code last_seen_ms} defaults to now): an embedding service reports a client request,
 * sent to the writer as {@code USER_IP}. Answers {@code 202} {@code {"links": n}}; {@code 400} for a
 * bad body; {@code 503} when no link is up (the report is dropped, as Synapse drops it).
 */
public final class UserIpEndpoint implements HttpEndpoint {
    /** The route. */
    public static final String ROUTE = "/_myelin/v1/user_ip";

    private final ToIntFunction<UserIpCommand> send;
    private final LongSupplier clock;

    /**
     * @param send sends the command on every open link and says on how many (for example
     *     {@code OpenLinks::sendToAll})
     * @param clock epoch ms now, for a report without {@code last_seen_ms}
     */
    public UserIpEndpoint(ToIntFunction<UserIpCommand> send, LongSupplier clock) {
        this.send = send;
        this.clock = clock;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Optional<HttpResponse> wrong = Bodies.wrongMethod(request, "POST");
        if (wrong.isPresent()) {
            return wrong.get();
        }
        UserIpCommand command;
        try {
            JsonNode body = Bodies.object(request);
            String userId = required(body, "user_id");
            String token = required(body, "access_token");
            String ip = required(body, "ip");
            JsonNode seen = body.get("last_seen_ms");
            if (seen != null && !seen.isNull() && !seen.canConvertToLong()) {
                return HttpResponse.error(400, "'last_seen_ms' must be an integer (epoch ms)");
            }
            long lastSeen = seen == null || seen.isNull() ? clock.getAsLong() : seen.longValue();
            command = new UserIpCommand(userId, token, ip, Bodies.text(body, "user_agent").orElse(null),
                    Bodies.text(body, "device_id").orElse(null), lastSeen);
        } catch (Bodies.BadRequest e) {
            return e.response();
        } catch (IllegalArgumentException e) {
            return HttpResponse.error(400, e.getMessage());
        }
        int links = send.applyAsInt(command);
        if (links == 0) {
            return HttpResponse.error(503, "no replication link is up; the report was dropped");
        }
        return HttpResponse.json(202, Json.mapper().createObjectNode().put("links", links));
    }

    private static String required(JsonNode body, String field) throws Bodies.BadRequest {
        return Bodies.text(body, field).orElseThrow(() -> new Bodies.BadRequest("'" + field + "' is required"));
    }
}
