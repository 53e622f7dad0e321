package org.myelin.node.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code redis:} section, as Synapse's.
 *
 * @param enabled whether to replicate over Redis at all
 * @param host Redis's host (default {@code localhost})
 * @param port Redis's port (default 6379)
 * @param path a Unix socket instead of host and port, or null
 * @param dbid the database number (default 0)
 * @param password the password, or null
 * @param useTls whether to connect with TLS
 */
public record RedisConfig(boolean enabled, String host, int port, String path, int dbid, String password,
        boolean useTls) {
    /** Synapse's defaults: off, localhost:6379, database 0, no password, no TLS. */
    public static RedisConfig defaults() {
        return new RedisConfig(false, "localhost", 6379, null, 0, null, false);
    }

    /**
     * The URI {@code --redis} takes: {@code redis://[:password@]host:port[/dbid]}, {@code rediss://} with
     * TLS, {@code redis-socket://path} for a socket.
     */
    public String uri() {
        String auth = password == null ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                .replace("+", "%20") + "@";
        if (path != null) {
            return "redis-socket://" + auth + path + (dbid == 0 ? "" : "?database=" + dbid);
        }
        return (useTls ? "rediss://" : "redis://") + auth + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + port + (dbid == 0 ? "" : "/" + dbid);
    }

    @Override
    public String toString() {
        return "RedisConfig[enabled=" + enabled + ", host=" + host + ", port=" + port + ", path=" + path + ", dbid="
                + dbid + ", password=" + (password == null ? "none" : "(hidden)") + ", useTls=" + useTls + "]";
    }
}
