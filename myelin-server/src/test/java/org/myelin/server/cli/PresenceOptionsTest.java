package org.myelin.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.myelin.server.CliRun;

/** The presence and dialect options refuse bad values with a clear message and status 2. */
class PresenceOptionsTest {
    @Test
    void badDialectsAndTimeoutsAreRefused() {
        CliRun dialect = CliRun.of("worker", "--name", "w1", "--data", "/nonexistent", "--dialect", "1.99");
        assertThat(dialect.status()).isEqualTo(2);
        assertThat(dialect.err()).contains("1.66 or latest");
        CliRun mainDialect = CliRun.of("main", "--dialect", "old");
        assertThat(mainDialect.status()).isEqualTo(2);
        assertThat(mainDialect.err()).contains("1.66 or latest");
        CliRun timeout = CliRun.of("main", "--sync-timeout-ms", "0");
        assertThat(timeout.status()).isEqualTo(2);
        assertThat(timeout.err()).contains("sync timeout must be positive");
        CliRun refresh = CliRun.of("worker", "--name", "w1", "--data", "/nonexistent", "--user-sync-refresh-ms", "-1");
        assertThat(refresh.status()).isEqualTo(2);
        assertThat(refresh.err()).contains("refresh interval must be positive");
    }

    @Test
    void helpShowsTheOptions() {
        assertThat(CliRun.of("main", "--help").out()).contains("--dialect", "--sync-timeout-ms",
                "--instance-expiry-ms", "--[no-]store-user-ips");
        assertThat(CliRun.of("worker", "--help").out()).contains("--dialect", "--user-sync-end-delay-ms",
                "--user-sync-refresh-ms");
    }
}
