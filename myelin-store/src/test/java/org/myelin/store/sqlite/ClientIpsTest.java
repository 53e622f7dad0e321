package org.myelin.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.clientip.UserIpRecorder;
import org.myelin.protocol.UserIpCommand;

/** USER_IP reports in a real SQLite file, through the throttling recorder. */
class ClientIpsTest {
    @TempDir
    Path dir;

    @Test
    void aKeyIsUpdatedInPlaceAtMostOncePerIntervalAndSurvivesReopening() {
        AtomicLong clock = new AtomicLong(0);
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            UserIpRecorder recorder = new UserIpRecorder(store.clientIps(), clock::get, Duration.ofMinutes(2));
            recorder.record(new UserIpCommand("@a:x", "tok", "10.0.0.1", "ua1", "D1", 100));
            recorder.record(new UserIpCommand("@a:x", "tok", "10.0.0.1", "ua2", "D1", 200)); // throttled
            recorder.record(new UserIpCommand("@a:x", "tok", "10.0.0.2", null, null, 300));
            clock.addAndGet(Duration.ofMinutes(2).toMillis());
            recorder.record(new UserIpCommand("@a:x", "tok", "10.0.0.1", "ua3", "D1", 400));
        }
        try (SqliteStreamStore store = SqliteStreamStore.open(dir)) {
            assertThat(store.clientIps("@a:x")).containsExactly(
                    new ClientIp("@a:x", "tok", "10.0.0.1", "ua3", "D1", 400),
                    new ClientIp("@a:x", "tok", "10.0.0.2", null, null, 300));
            assertThat(store.clientIps("@nobody:x")).isEmpty();
        }
    }

    @Test
    void aReadOnlyStoreRefusesToStore() {
        SqliteStreamStore.open(dir).close();
        try (SqliteStreamStore reader = SqliteStreamStore.openExisting(dir)) {
            assertThatThrownBy(reader::clientIps).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
    }
}
