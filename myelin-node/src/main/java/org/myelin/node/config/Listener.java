package org.myelin.node.config;

import java.util.Objects;

/**
 * One entry of {@code listeners} (or a worker's {@code worker_listeners}), in Synapse's shape:
 * {@code {type, bind_addresses: [ADDRESS], port}}.
 *
 * @param type what it serves
 * @param bindAddress the one address it binds (Myelin binds one per listener)
 * @param port 1-65535
 */
public record Listener(ListenerType type, String bindAddress, int port) {
    /** @throws IllegalArgumentException for a port out of range or an empty address */
    public Listener {
        Objects.requireNonNull(type, "type");
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new IllegalArgumentException("bind address must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /** {@code HOST:PORT}, with brackets around an IPv6 address, as the command line takes it. */
    public String hostPort() {
        return (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port;
    }
}
