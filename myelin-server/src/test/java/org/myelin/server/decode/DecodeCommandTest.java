package org.myelin.server.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.server.CliRun;

/** {@code myelin decode} as an operator runs it, on the reference captures and on bad input. */
class DecodeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void roundtripOfTheSessionCaptureReproducesEveryCommandLine() throws IOException {
        Path capture = CliRun.vectors().resolve("tcp-session-sqlite.txt");
        CliRun run = CliRun.of("decode", "--capture", "--roundtrip", "--dialect", "1.66", capture.toString());
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        List<String> expected = Files.readAllLines(capture, StandardCharsets.UTF_8).stream()
                .filter(l -> l.matches("^\\s*[0-9.]+ [<>] .*"))
                .map(l -> l.replaceFirst("^\\s*[0-9.]+ [<>] ", ""))
                .toList();
        assertThat(run.lines()).hasSize(60).containsExactlyElementsOf(expected);
    }

    @Test
    void jsonDescriptionNamesTheCommandAndItsFields() {
        CliRun run = CliRun.of("decode", "--capture", CliRun.vectors().resolve("tcp-session-sqlite.txt").toString());
        assertThat(run.status()).isZero();
        JsonNode batch = run.lines().stream().map(Json::parse)
                .filter(j -> j.path("token").asText().equals("batch")).findFirst().orElseThrow();
        assertThat(batch.get("command").asText()).isEqualTo("RDATA");
        assertThat(batch.get("stream").asText()).isEqualTo("events");
        assertThat(batch.get("dir").asText()).isEqualTo("<");
        assertThat(batch.get("row").get(0).asText()).isEqualTo("ev");
        JsonNode position = Json.parse(run.lines().get(5)); // after NAME, PING, REPLICATE, SERVER, PING
        assertThat(position.get("command").asText()).isEqualTo("POSITION");
        assertThat(position.get("prev_token").asLong()).isEqualTo(1);
        assertThat(position.get("new_token").asLong()).isEqualTo(1);
    }

    @Test
    void everyCaptureDecodesWithoutError() {
        for (String name : List.of("client-commands.txt", "ping-timeout.txt", "redis-channel-sqlite.txt",
                "user-sync-then-clear.txt", "user-sync-disconnect-without-clear.txt")) {
            CliRun run = CliRun.of("decode", "--capture", CliRun.vectors().resolve(name).toString());
            assertThat(run.status()).as(name).isZero();
            assertThat(run.lines()).as(name).isNotEmpty();
        }
        CliRun plain = CliRun.of("decode", CliRun.vectors().resolve("tcp-handshake-server-lines.txt").toString());
        assertThat(plain.status()).isZero();
        assertThat(plain.lines()).hasSize(17);
    }

    @Test
    void badLinesAreReportedWithTheirNumberAndReasonAndDecodingGoesOn() throws IOException {
        Path input = tmp.resolve("lines.txt");
        Files.write(input, ("PING 1\n\nFOO bar\nPOSITION events\nRDATA s m 1 [1, 2]\n"
                + "PING " + "a".repeat(300) + "\nPING \u00e9\n").getBytes(StandardCharsets.UTF_8));
        CliRun run = CliRun.of("decode", "--roundtrip", "--max-line-bytes", "256", input.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.lines()).containsExactly("PING 1", "RDATA s m 1 [1,2]", "PING \u00e9");
        assertThat(run.err()).contains("line 3: unknown command 'FOO'")
                .contains("line 4: POSITION expects 4 arguments")
                .contains("line 6: Line length exceeded");
    }

    @Test
    void invalidUtf8IsAnError() throws IOException {
        Path input = tmp.resolve("bad.bin");
        Files.write(input, new byte[] {'P', 'I', 'N', 'G', ' ', (byte) 0xff, '\n'});
        CliRun run = CliRun.of("decode", input.toString());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("line 1: invalid UTF-8");
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun run = CliRun.of("decode", tmp.resolve("nope.txt").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("no such file");
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("decode");
        CliRun none = CliRun.of();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("Missing a command").contains("decode");
    }
}
