package org.myelin.http.endpoints;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.myelin.core.presence.PresenceRow;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.core.presence.UserPresence;
import org.myelin.http.server.HttpEndpoint;
import org.myelin.http.server.HttpRequest;
import org.myelin.http.server.HttpResponse;
import org.myelin.protocol.Json;

/**
 * {@code GET /_myelin/v1/presence/{user_id}} on the presence writer: the user's state now and the
 * instances holding them: {@code {"user_id", "presence", "last_active_ts",
 * "last_federation_update_ts", "last_user_sync_ts", "status_msg", "currently_active",
 * "instances": [...]}}. A user never seen is {@code offline} with no timestamps (still {@code 200}).
 */
public final class PresenceEndpoint implements HttpEndpoint {
    /** The route, with the path parameter this endpoint reads. */
    public static final String ROUTE = "/_myelin/v1/presence/{user_id}";

    private final PresenceWriter presence;

    /** @param presence the writer's table */
    public PresenceEndpoint(PresenceWriter presence) {
        this.presence = presence;
    }

    @Override
    public HttpResponse handle(HttpRequest request) {
        Optional<HttpResponse> wrong = Bodies.wrongMethod(request, "GET");
        if (wrong.isPresent()) {
            return wrong.get();
        }
        String userId = request.pathParams().get("user_id");
        if (userId == null || userId.isEmpty()) {
            return HttpResponse.error(400, "the path must name a user: " + ROUTE);
        }
        ObjectNode answer = Json.mapper().createObjectNode().put("user_id", userId);
        Optional<UserPresence> known = presence.user(userId);
        if (known.isEmpty()) {
            answer.put("presence", PresenceRow.OFFLINE).putArray("instances");
            return HttpResponse.json(200, answer);
        }
        PresenceRow row = known.get().row();
        answer.put("presence", row.state())
                .put("last_active_ts", row.lastActiveTs())
                .put("last_federation_update_ts", row.lastFederationUpdateTs())
                .put("last_user_sync_ts", row.lastUserSyncTs())
                .put("status_msg", row.statusMsg())
                .put("currently_active", row.currentlyActive());
        ArrayNode instances = answer.putArray("instances");
        known.get().instances().stream().sorted().forEach(instances::add);
        return HttpResponse.json(200, answer);
    }
}
