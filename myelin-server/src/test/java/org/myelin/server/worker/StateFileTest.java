package org.myelin.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.inbound.ResumePositions;

class StateFileTest {
    @TempDir
    Path tmp;

    @Test
    void savesAtomicallyAndLoadsBack() throws Exception {
        StateFile file = new StateFile(tmp.resolve("w.state"));
        assertThat(file.load()).as("no file yet: a first start").isEmpty();
        file.save(Map.of("events", Map.of("master", 12L, "w2", 3L), "typing", Map.of("master", 0L)));
        assertThat(file.load()).isEqualTo(Map.of("events", Map.of("master", 12L, "w2", 3L),
                "typing", Map.of("master", 0L)));
        assertThat(tmp.resolve("w.state.tmp")).doesNotExist();
        file.save(Map.of("events", Map.of("master", 13L)));
        assertThat(file.load()).isEqualTo(Map.of("events", Map.of("master", 13L)));
    }

    @Test
    void refusesWhatIsNotAStateFile() throws Exception {
        Path path = tmp.resolve("w.state");
        StateFile file = new StateFile(path);
        for (String bad : List.of("", "{", "[]", "{\"version\":2,\"positions\":{}}", "{\"version\":1}",
                "{\"version\":1,\"positions\":{\"events\":5}}",
                "{\"version\":1,\"positions\":{\"events\":{\"master\":1.5}}}")) {
            Files.writeString(path, bad);
            assertThatThrownBy(file::load).as(bad).isInstanceOf(StateFile.StateFileException.class)
                    .hasMessageContaining(path.toString());
        }
        Files.delete(path);
        Files.createDirectory(path);
        assertThatThrownBy(file::load).isInstanceOf(StateFile.StateFileException.class)
                .hasMessageContaining("cannot read state file");
    }

    @Test
    void theSaverSavesOnlyWhatWasReportedPrintedAndOnceMoreOnClose() throws Exception {
        StateFile file = new StateFile(tmp.resolve("w.state"));
        StateSaver saver = new StateSaver(file, Map.of("typing", Map.of("master", 4L)), Duration.ofHours(1));
        saver.printed("events", "master", 7);
        saver.close();
        assertThat(file.load()).isEqualTo(Map.of("events", Map.of("master", 7L), "typing", Map.of("master", 4L)));
    }

    @Test
    void fromTakesPairsPerStreamAndInstance() {
        ResumePositions r = FromOption.parse(List.of("events=5", "events/w2=9", "typing=0"), List.of());
        assertThat(r.tokens()).isEqualTo(Map.of("events", Map.of("master", 5L, "w2", 9L), "typing",
                Map.of("master", 0L)));
        assertThat(r.otherwise()).isEmpty();
        assertThat(FromOption.parse(List.of("0"), List.of()).otherwise()).isEqualTo(OptionalLong.of(0));
        assertThat(FromOption.parse(List.of("42"), List.of("events")).startOf("events", "master"))
                .isEqualTo(OptionalLong.of(42));
        assertThatThrownBy(() -> FromOption.parse(List.of("42"), List.of("events", "typing")))
                .hasMessageContaining("cannot resume exactly");
        assertThatThrownBy(() -> FromOption.parse(List.of("events=1", "events/master=2"), List.of()))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> FromOption.parse(List.of("=3"), List.of())).hasMessageContaining("got '=3'");
    }
}
