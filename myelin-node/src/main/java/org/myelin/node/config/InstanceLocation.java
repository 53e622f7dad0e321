package org.myelin.node.config;

/**
 * An entry of {@code instance_map}: where a process's HTTP listener is.
 *
 * @param host its host
 * @param port its port, 1-65535
 * @param tls whether it speaks HTTPS
 */
public record InstanceLocation(String host, int port, boolean tls) {
    /** @throws IllegalArgumentException for an empty host or a port out of range */
    public InstanceLocation {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** {@code http://host:port} (or {@code https://}). */
    public String url() {
        return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
