package org.myelin.core.clientip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.UserIpCommand;

class UserIpRecorderTest {
    final AtomicLong clock = new AtomicLong(1_000_000);
    final List<ClientIp> stored = new ArrayList<>();
    final UserIpRecorder recorder = new UserIpRecorder(stored::add, clock::get, Duration.ofMinutes(2));

    static UserIpCommand ip(String user, String token, String ip, long seen) {
        return new UserIpCommand(user, token, ip, "curl", "DEV", seen);
    }

    @Test
    void oneWritePerKeyPerTwoMinutes() {
        assertThat(recorder.record(ip("@a:x", "tok", "10.0.0.1", 1))).isTrue();
        clock.addAndGet(119_999);
        assertThat(recorder.record(ip("@a:x", "tok", "10.0.0.1", 2))).isFalse();
        assertThat(recorder.record(ip("@a:x", "tok", "10.0.0.2", 3))).isTrue(); // another ip: another key
        assertThat(recorder.record(ip("@a:x", "tok2", "10.0.0.1", 4))).isTrue(); // another token
        clock.addAndGet(1);
        assertThat(recorder.record(ip("@a:x", "tok", "10.0.0.1", 5))).isTrue();
        assertThat(stored).extracting(ClientIp::lastSeenMs).containsExactly(1L, 3L, 4L, 5L);
        assertThat(recorder.written()).isEqualTo(4);
        assertThat(recorder.throttled()).isEqualTo(1);
    }

    @Test
    void aFailedWriteIsTriedAgainOnTheNextReport() {
        AtomicBoolean fail = new AtomicBoolean(true);
        List<ClientIp> ok = new ArrayList<>();
        UserIpRecorder flaky = new UserIpRecorder(row -> {
            if (fail.get()) {
                throw new IllegalStateException("disk full");
            }
            ok.add(row);
        }, clock::get, Duration.ofMinutes(2));
        assertThatThrownBy(() -> flaky.record(ip("@a:x", "t", "1.2.3.4", 1))).hasMessage("disk full");
        fail.set(false);
        assertThat(flaky.record(ip("@a:x", "t", "1.2.3.4", 2))).isTrue();
        assertThat(ok).hasSize(1);
    }

    @Test
    void theAccessTokenStaysOutOfToString() {
        assertThat(new ClientIp("@a:x", "secret", "1.2.3.4", null, null, 1).toString()).doesNotContain("secret");
    }
}
