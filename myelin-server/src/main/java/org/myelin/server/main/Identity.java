package org.myelin.server.main;

import org.myelin.store.writer.StreamWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import org.myelin.core.clientip.ClientIpStore;
import org.myelin.core.clientip.UserIpRecorder;
import org.myelin.core.clientip.UserIpSettings;
import org.myelin.core.command.CommandRouter;
import org.myelin.core.command.FederationAcks;
import org.myelin.core.presence.BatchingPresenceSink;
import org.myelin.core.presence.PresenceRow;
import org.myelin.core.presence.PresenceLimits;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.core.task.Ticker;
import org.myelin.http.endpoints.PresenceEndpoint;
import org.myelin.server.presence.PresenceMetrics;

/**
 * The main process's side of the worker-to-writer commands: the presence table (its changes appended
 * to the {@code presence} stream, so every worker sees them), {@code USER_IP} storage,
 * {@code FEDERATION_ACK} positions, and the router that feeds them (with callbacks for
 * {@code REMOTE_SERVER_UP}, {@code LOCK_RELEASED} and {@code NEW_ACTIVE_TASK}).
 */
public final class Identity implements AutoCloseable {
    /** The stream presence changes are written to, as Synapse's. */
    public static final String PRESENCE_STREAM = "presence";

    private final PresenceSettings settings;
    private final PresenceWriter presence;
    private final BatchingPresenceSink publisher;
    private final FederationAcks federationAcks = new FederationAcks();
    private final UserIpRecorder userIps;
    private final CommandRouter router;
    private Ticker ticker;

    Identity(PresenceSettings settings, PresenceLimits limits, UserIpSettings userIpSettings, StreamWriter streams,
            ClientIpStore clientIps) {
        this.settings = settings;
        // One transaction per batch of changes, each row its own token, in the order they happened.
        this.publisher = new BatchingPresenceSink("presence-publisher", limits.publishQueueRows(),
                limits.publishBatchRows(),
                rows -> streams.append(PRESENCE_STREAM, rows.stream().map(PresenceRow::toJson).toList(), false));
        this.presence = new PresenceWriter(settings, limits, System::currentTimeMillis, publisher);
        this.userIps = clientIps == null ? null : UserIpRecorder.create(clientIps, userIpSettings);
        this.router = new CommandRouter(presence, userIps, federationAcks);
    }

    /** Starts applying the presence timeouts. */
    synchronized void start() {
        if (ticker == null) {
            ticker = new Ticker("presence-timeouts", settings.tickInterval(), presence::tick);
        }
    }

    /** The presence table. */
    public PresenceWriter presence() {
        return presence;
    }

    /** Federation positions acknowledged per instance. */
    public FederationAcks federationAcks() {
        return federationAcks;
    }

    /** The command router: register callbacks for {@code REMOTE_SERVER_UP} and the others here. */
    public CommandRouter router() {
        return router;
    }

    /** {@code GET /_myelin/v1/presence/{user_id}}, for the HTTP server to mount. */
    public PresenceEndpoint presenceEndpoint() {
        return new PresenceEndpoint(presence);
    }

    void registerMetrics(PrometheusRegistry registry) {
        PresenceMetrics.registerWriter(registry, presence, federationAcks, userIps, router);
    }

    /** Adds {@code presence}, {@code federation_acks} and {@code user_ips} to a status document. */
    void putStatus(ObjectNode root) {
        ObjectNode p = root.putObject("presence");
        p.put("online_users", presence.onlineUsers())
                .put("rows_published", presence.rowsPublished())
                .put("instances_expired", presence.instancesExpired());
        ObjectNode instances = p.putObject("instances");
        presence.instances().forEach((id, s) -> instances.putObject(id)
                .put("users", s.users()).put("last_seen_ms", s.lastSeenMs()));
        ObjectNode acks = root.putObject("federation_acks");
        federationAcks.positions().forEach(acks::put);
        ObjectNode ips = root.putObject("user_ips");
        ips.put("stored", userIps != null);
        if (userIps != null) {
            ips.put("written", userIps.written()).put("throttled", userIps.throttled());
        }
        root.put("commands_ignored", router.ignored());
    }

    /** Stops the timeouts and publishes the changes still queued (before the store closes). */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.close();
            ticker = null;
        }
        publisher.close();
    }
}
