package org.myelin.http.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.myelin.core.presence.SyncingUsers;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;

/**
 * {@code POST /_myelin/v1/sync/{user_id}} on a worker, with {@code {"syncing": true|false,
 * "device_id": "..."}} ({@code device_id} optional): one sync of the user starts or stops on this
 * instance, as a Synapse worker's {@code /sync} would. Answers {@code 200}
 * {@code {"user_id","device_id","syncing","instance_id"}}; {@code 400} for a bad body or id,
 * {@code 409} for a stop with no sync running, {@code 503} when the worker is shutting down.
 */
public final class SyncEndpoint implements HttpEndpoint {
    /** The route, with the path parameter this endpoint reads. */
    public static final String ROUTE = "/_myelin/v1/sync/{user_id}";

    private final SyncingUsers users;

    /** @param users the worker's registry */
    public SyncEndpoint(SyncingUsers users) {
        this.users = users;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Optional<HttpResponse> wrong = Bodies.wrongMethod(request, "POST");
        if (wrong.isPresent()) {
            return wrong.get();
        }
        String userId = request.pathParams().get("user_id");
        if (userId == null || userId.isEmpty()) {
            return HttpResponse.error(400, "the path must name a user: " + ROUTE);
        }
        boolean syncing;
        String deviceId;
        try {
            JsonNode body = Bodies.object(request);
            JsonNode flag = body.get("syncing");
            if (flag == null || !flag.isBoolean()) {
                return HttpResponse.error(400, "'syncing' must be true or false");
            }
            syncing = flag.booleanValue();
            deviceId = Bodies.text(body, "device_id").orElse(null);
        } catch (Bodies.BadRequest e) {
            return e.response();
        }
        boolean done;
        try {
            done = users.setSyncing(userId, deviceId, syncing);
        } catch (IllegalArgumentException e) {
            return HttpResponse.error(400, e.getMessage());
        } catch (IllegalStateException e) {
            return HttpResponse.error(503, e.getMessage());
        }
        if (!done) {
            return HttpResponse.error(409, userId + " has no sync running on this instance to stop");
        }
        ObjectNode answer = Json.mapper().createObjectNode().put("user_id", userId);
        answer.put("device_id", deviceId).put("syncing", syncing).put("instance_id", users.instanceId());
        return HttpResponse.json(200, answer);
    }
}
