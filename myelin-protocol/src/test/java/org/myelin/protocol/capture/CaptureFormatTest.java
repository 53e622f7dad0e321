package org.myelin.protocol.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureFormatTest {

    @Test
    void readsMarkersLabelsAndRedisChannels() {
        CaptureEntry plain = CaptureFormat.read("    4.412 < SERVER peer.test", 3).get(0);
        assertThat(plain.direction()).isEqualTo(CaptureEntry.Direction.RECEIVED);
        assertThat(plain.text()).isEqualTo("SERVER peer.test");
        assertThat(plain.label()).isEmpty();

        CaptureEntry labelled = CaptureFormat.read(" 1606.094 watcher  < REMOTE_SERVER_UP other.example", 1).get(0);
        assertThat(labelled.label()).isEqualTo("watcher");
        assertThat(labelled.text()).isEqualTo("REMOTE_SERVER_UP other.example");

        CaptureEntry redis = CaptureFormat.read("   25.886 peer.test POSITION events master 1 1", 1).get(0);
        assertThat(redis.direction()).isEqualTo(CaptureEntry.Direction.NONE);
        assertThat(redis.label()).isEqualTo("peer.test");
    }

    @Test
    void annotationsYieldNothing() {
        assertThat(CaptureFormat.read("25003.655 # counts: {'SERVER': 1}", 1)).isEmpty();
        assertThat(CaptureFormat.read(" 5110.674 whois     {\"user_id\":\"@bob1:peer.test\"}", 1)).isEmpty();
        assertThat(CaptureFormat.read(" 1508.672 presence +0.5s after start {\"presence\": \"online\"}", 1)).isEmpty();
        assertThat(CaptureFormat.read("=== unknown command", 1)).isEmpty();
        assertThat(CaptureFormat.read("1795714338.268 STEP register alice1 via shared-secret admin API", 1)).isEmpty();
    }

    @Test
    void aBytesLiteralStandsForEveryLineItHolds() {
        List<CaptureEntry> entries = CaptureFormat.read("    5.576 A(pinged-once) > b'NAME idleA\\nPING 1\\n'", 7);
        assertThat(entries).extracting(CaptureEntry::text).containsExactly("NAME idleA", "PING 1");
        assertThat(entries).allSatisfy(e -> assertThat(e.label()).isEqualTo("A(pinged-once)"));
        assertThat(CaptureFormat.pythonBytes("PING \\xff\\xfe\\x00\\r")).containsExactly(
                'P', 'I', 'N', 'G', ' ', 0xff, 0xfe, 0, '\r');
        assertThat(new String(CaptureFormat.pythonBytes("a\\\\b\\'c"), StandardCharsets.UTF_8)).isEqualTo("a\\b'c");
    }
}
