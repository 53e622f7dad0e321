package org.myelin.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatchUpUrlsTest {
    @Test
    void oneBareUrlIsTheOneWriter() {
        assertThat(WorkerCommand.catchUpUrls(List.of("http://127.0.0.1:9093"), "s"))
                .isEqualTo(new CatchUpSource.OverHttp(URI.create("http://127.0.0.1:9093"), "s"));
    }

    @Test
    void namedUrlsAreOnePerWriterWithABareOneForTheOthers() {
        CatchUpSource source = WorkerCommand.catchUpUrls(
                List.of("writer1=http://h:1", "writer2=http://h:2/?a=b", "http://h:3"), "s");
        assertThat(source).isEqualTo(new CatchUpSource.OverHttpPerWriter(
                Map.of("writer1", URI.create("http://h:1"), "writer2", URI.create("http://h:2/?a=b")),
                URI.create("http://h:3"), "s"));
        CatchUpSource.OverHttpPerWriter perWriter = (CatchUpSource.OverHttpPerWriter) source;
        assertThat(perWriter.baseOf("writer2")).isEqualTo(URI.create("http://h:2/?a=b"));
        assertThat(perWriter.baseOf("master")).isEqualTo(URI.create("http://h:3"));
        assertThat(source.toString()).doesNotContain("s]");
    }

    @Test
    void badValuesAreRefused() {
        assertThatThrownBy(() -> WorkerCommand.catchUpUrls(List.of("w=nope"), "s"))
                .hasMessageContaining("[INSTANCE=]URL");
        assertThatThrownBy(() -> WorkerCommand.catchUpUrls(List.of("w=http://h:1", "w=http://h:2"), "s"))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> ((CatchUpSource.OverHttpPerWriter) WorkerCommand.catchUpUrls(
                List.of("w=http://h:1"), "s")).baseOf("other")).hasMessageContaining("--catch-up-url other=URL");
    }
}
