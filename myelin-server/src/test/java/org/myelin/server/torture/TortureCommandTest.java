package org.myelin.server.torture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.myelin.server.CliRun;

/** Bad options are refused before any process starts. */
class TortureCommandTest {
    @Test
    void badOptionsAreBadUsage() {
        assertThat(CliRun.of("torture", "--workers", "0")).satisfies(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.err()).contains("--workers must be 1 to 32, not 0");
        });
        assertThat(CliRun.of("torture", "--seconds", "2").err()).contains("at least 5 seconds");
        assertThat(CliRun.of("torture", "--minutes", "0").status()).isEqualTo(2);
        assertThat(CliRun.of("torture", "--main-heap", "lots").err()).contains("--main-heap must look like 256m");
        assertThat(CliRun.of("torture", "--rate", "0").status()).isEqualTo(2);
    }

    @Test
    void helpSaysWhatItDoes() {
        CliRun help = CliRun.of("torture", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--seed", "--minutes", "--seconds", "--workers", "--rate", "--flood", "--json",
                "SIGKILL");
    }
}
