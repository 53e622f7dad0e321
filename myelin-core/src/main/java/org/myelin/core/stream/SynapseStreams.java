package org.myelin.core.stream;

import java.util.List;

/** Synapse's stream catalogue (PROTOCOL.md section 9), in the order a Synapse main announces them. */
public final class SynapseStreams {
    /** The streams a Synapse 1.66 main announces in answer to REPLICATE, in its order, then {@code federation}. */
    public static final List<String> NAMES = List.of(
            "events", "backfill", "presence", "presence_federation", "typing", "receipts", "push_rules",
            "pushers", "caches", "device_lists", "to_device", "tag_account_data", "account_data",
            "user_signature", "federation");

    private SynapseStreams() {}
}
