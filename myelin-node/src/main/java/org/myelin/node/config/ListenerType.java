package org.myelin.node.config;

import java.util.Locale;

/** What a listener serves. */
public enum ListenerType {
    /** Direct TCP replication for workers ({@code --listen-tcp}). */
    REPLICATION,
    /** The HTTP API: writes, status, catch-up, metrics ({@code --listen-http}). */
    HTTP,
    /** {@code GET /metrics} only ({@code --listen-metrics}). */
    METRICS;

    /** The name in the file: {@code replication}, {@code http}, {@code metrics}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
