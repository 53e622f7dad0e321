package org.myelin.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Why a Redis session ended, as counted in {@link RedisMetrics#reconnectsByCause()}. */
enum FailureCause {
    /** Nothing listens at the address. */
    REFUSED("refused"),
    /** Redis wants a password we lack, or refused ours. */
    AUTH("auth"),
    /** A command (PING, SUBSCRIBE, connect) took longer than the timeout. */
    TIMEOUT("timeout"),
    /** An established connection closed (Redis stopped, reset, killed). */
    LOST("lost"),
    /** A PUBLISH failed. */
    PUBLISH_FAILED("publish_failed"),
    /** The engine closed the link (a stream could not be caught up). */
    CLOSED_BY_ENGINE("closed_by_engine"),
    /** Anything else. */
    OTHER("other");

    private final String label;

    FailureCause(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Classifies a failure by walking its causes. */
    static FailureCause of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CompletionException || t instanceof ExecutionException) {
                continue;
            }
            String message = String.valueOf(t.getMessage()).toUpperCase(Locale.ROOT);
            if (message.contains("NOAUTH") || message.contains("WRONGPASS") || message.contains("AUTH")
                    && (message.contains("PASSWORD") || message.contains("FAILED"))) {
                return AUTH;
            }
            if (t instanceof ConnectException || message.contains("CONNECTION REFUSED")) {
                return REFUSED;
            }
            if (t instanceof RedisCommandTimeoutException || t instanceof TimeoutException) {
                return TIMEOUT;
            }
        }
        return OTHER;
    }
}
