package org.myelin.server.presence;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import org.myelin.core.clientip.UserIpRecorder;
import org.myelin.core.command.CommandRouter;
import org.myelin.core.command.FederationAcks;
import org.myelin.core.presence.PresenceWriter;
import org.myelin.core.presence.SyncingUsers;

/** Prometheus metrics of presence, client IPs and federation acks, read at scrape time. */
public final class PresenceMetrics {
    private PresenceMetrics() {}

    /** The writer side's: its table, the acks, the client IPs stored, the commands it had no use for. */
    public static void registerWriter(PrometheusRegistry registry, PresenceWriter presence, FederationAcks acks,
            UserIpRecorder userIps, CommandRouter router) {
        gauge(registry, "myelin_presence_online_users", "Users online now.", presence::onlineUsers);
        GaugeWithCallback.builder().name("myelin_presence_instance_users")
                .help("Users syncing on each instance the presence writer knows.")
                .labelNames("instance")
                .callback(cb -> presence.instances().forEach((id, s) -> cb.call(s.users(), id)))
                .register(registry);
        counter(registry, "myelin_presence_rows_published", "Presence state changes published as rows.",
                presence::rowsPublished);
        counter(registry, "myelin_presence_instances_expired",
                "Instances dropped for silence (no CLEAR_USER_SYNC: probably died).", presence::instancesExpired);
        GaugeWithCallback.builder().name("myelin_federation_ack_token")
                .help("Federation stream position acknowledged by each instance (FEDERATION_ACK).")
                .labelNames("instance")
                .callback(cb -> acks.positions().forEach((id, token) -> cb.call(token, id)))
                .register(registry);
        if (userIps != null) {
            counter(registry, "myelin_user_ips_written", "USER_IP reports written to client_ips.", userIps::written);
            counter(registry, "myelin_user_ips_throttled",
                    "USER_IP reports skipped: their key was written less than 2 minutes before.", userIps::throttled);
        }
        ignored(registry, router);
    }

    /** The worker side's: users syncing here, commands sent for them, commands it had no use for. */
    public static void registerWorker(PrometheusRegistry registry, SyncingUsers users, CommandRouter router) {
        gauge(registry, "myelin_presence_syncing_users", "Users (and devices) syncing on this instance.",
                () -> users.syncing().size());
        counter(registry, "myelin_presence_commands_sent", "USER_SYNC and CLEAR_USER_SYNC commands sent.",
                users::commandsSent);
        ignored(registry, router);
    }

    private static void ignored(PrometheusRegistry registry, CommandRouter router) {
        counter(registry, "myelin_commands_ignored",
                "Commands this process has no use for (not the presence writer, not storing client IPs).",
                router::ignored);
    }

    private static void gauge(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }

    private static void counter(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong()))
                .register(registry);
    }
}
