package org.myelin.core.command;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The federation stream position each instance acknowledged with {@code FEDERATION_ACK}, for status
 * and metrics. Positions only move forward: an older ack arriving late does not move one back.
 */
public final class FederationAcks {
    private final Map<String, Long> acks = new ConcurrentHashMap<>();

    /** Records that {@code instance} processed the federation stream up to {@code token}. */
    public void ack(String instance, long token) {
        acks.merge(instance, token, Math::max);
    }

    /** Every instance's acknowledged token, by name. */
    public Map<String, Long> positions() {
        return new TreeMap<>(acks);
    }
}
