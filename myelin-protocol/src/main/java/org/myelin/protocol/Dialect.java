package org.myelin.protocol;

import java.util.Locale;

/**
 * Which Synapse release's wire format to speak to a peer.
 *
 * <p>Parsing accepts every dialect at once (the forms differ by field count); the dialect only
 * decides what is <em>sent</em>.
 */
public enum Dialect {
    /** Synapse up to 1.92: {@code USER_SYNC} without device id; no {@code LOCK_RELEASED}, no {@code NEW_ACTIVE_TASK}. */
    SYNAPSE_1_66("1.66"),
    /** Current Synapse: {@code USER_SYNC} with a device id ({@code None} when absent). */
    LATEST("latest");

    private final String configName;

    Dialect(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration ({@code synapse_dialect: 1.66 | latest}). */
    public String configName() {
        return configName;
    }

    /** Whether a peer speaking this dialect knows the command; unknown ones must not be sent to it. */
    public boolean supports(CommandType type) {
        return this == LATEST || (type != CommandType.LOCK_RELEASED && type != CommandType.NEW_ACTIVE_TASK);
    }

    /**
     * Reads a dialect from its configuration name ({@code 1.66} or {@code latest}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Dialect fromConfigName(String name) {
        for (Dialect d : values()) {
            if (d.configName.equalsIgnoreCase(name) || d.name().equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "unknown synapse_dialect '" + name + "' (expected 1.66 or latest)");
    }

    @Override
    public String toString() {
        return configName.toLowerCase(Locale.ROOT);
    }
}
