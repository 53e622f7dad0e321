package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-level recognition of one instance's own RDATA and POSITION. */
class EchoFilterTest {
    private final EchoFilter master = new EchoFilter("master");

    private boolean matches(EchoFilter filter, String line) {
        return filter.matches(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recognisesTheInstancesStreamCommands() {
        assertThat(matches(master, "RDATA events master 12 [\"$1\"]")).isTrue();
        assertThat(matches(master, "RDATA events master batch [\"$1\"]")).isTrue();
        assertThat(matches(master, "POSITION events master 11 12")).isTrue();
        assertThat(matches(master, "POSITION caches master 5")).isTrue();
    }

    @Test
    void leavesEverythingElseToTheParser() {
        assertThat(matches(master, "RDATA events worker1 12 [1]")).isFalse();
        assertThat(matches(master, "RDATA events masters 12 [1]")).isFalse(); // a longer name
        assertThat(matches(master, "RDATA events maste 12 [1]")).isFalse();   // a shorter one
        assertThat(matches(master, "RDATA master 12 [1]")).isFalse();        // 'master' is the stream here
        assertThat(matches(master, "RDATA events master")).isFalse();         // nothing after the instance
        assertThat(matches(master, "RDATA  master x 1")).isFalse();           // empty stream word
        assertThat(matches(master, "USER_SYNC master @a:b start 1")).isFalse();
        assertThat(matches(master, "REPLICATE")).isFalse();
        assertThat(matches(master, "rdata events master 1 [1]")).isFalse();
        assertThat(matches(master, "")).isFalse();
    }

    @Test
    void comparesNonAsciiNamesAsUtf8() {
        EchoFilter filter = new EchoFilter("wörker");
        assertThat(matches(filter, "POSITION events wörker 1 2")).isTrue();
        assertThat(matches(filter, "POSITION events worker 1 2")).isFalse();
    }

    @Test
    void refusesAnEmptyName() {
        assertThatThrownBy(() -> new EchoFilter("")).isInstanceOf(IllegalArgumentException.class);
    }
}
