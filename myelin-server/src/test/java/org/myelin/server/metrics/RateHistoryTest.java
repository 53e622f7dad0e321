package org.myelin.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.Json;

class RateHistoryTest {
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong commands = new AtomicLong();

    private RateHistory history() {
        Map<String, LongSupplier> counters = new LinkedHashMap<>();
        counters.put("rows", rows::get);
        counters.put("commands_in", commands::get);
        return new RateHistory(counters);
    }

    @Test
    void storesTheRatePerSecondBetweenSamples() {
        RateHistory h = history();
        h.sample(0);
        rows.addAndGet(20);
        commands.addAndGet(3);
        h.sample(2_000);
        rows.addAndGet(40);
        h.sample(4_000);
        ObjectNode json = Json.mapper().createObjectNode();
        h.putJson(json);
        assertThat(json.get("names").toString()).isEqualTo("[\"rows\",\"commands_in\"]");
        assertThat(json.get("samples").toString()).isEqualTo("[[2000,10.0,1.5],[4000,20.0,0.0]]");
        assertThat(h.meanRate("rows", 60)).isEqualTo(15.0);
        assertThat(h.meanRate("rows", 2)).isEqualTo(20.0);
        assertThat(json.get("last_minute").get("rows").asDouble()).isEqualTo(15.0);
    }

    @Test
    void keepsTenMinutesAtMost() {
        RateHistory h = history();
        for (int i = 0; i <= RateHistory.CAPACITY + 100; i++) {
            rows.addAndGet(i * 2L);
            h.sample(i * 2_000L);
        }
        ObjectNode json = Json.mapper().createObjectNode();
        h.putJson(json);
        assertThat(json.get("samples")).hasSize(RateHistory.CAPACITY);
        // the oldest kept is sample 101 (i = 101: 202 rows in 2 s), the newest the last
        assertThat(json.get("samples").get(0).get(1).asDouble()).isEqualTo(101.0);
        assertThat(json.get("samples").get(RateHistory.CAPACITY - 1).get(0).asLong())
                .isEqualTo((RateHistory.CAPACITY + 100) * 2_000L);
    }

    @Test
    void noSamplesMeansNoRate() {
        RateHistory h = history();
        assertThat(h.meanRate("rows", 60)).isZero();
        h.sample(0);
        assertThat(h.meanRate("rows", 60)).isZero();
    }
}
