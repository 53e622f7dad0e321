package org.myelin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.capture.CaptureEntry;
import org.myelin.protocol.capture.CaptureFormat;

/** Every command line a real Synapse 1.66 exchanged parses, and re-encodes to the same bytes. */
class VectorConformanceTest {

    /** The command lines of one vector file, in order. */
    private static List<String> commandLines(Path file) {
        List<String> lines = Vectors.lines(file);
        List<String> commands = new ArrayList<>();
        String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        if (file.getFileName().toString().equals("malformed-input.txt") || first.startsWith("###")) {
            return commands; // bad input on purpose (see MalformedInputTest) / HTTP bodies, not commands
        }
        if (!first.trim().matches("^-?\\d+(\\.\\d+)?\\s.*")) {
            return lines.stream().filter(l -> !l.isBlank()).toList(); // plain server output
        }
        for (int i = 0; i < lines.size(); i++) {
            for (CaptureEntry e : CaptureFormat.read(lines.get(i), i + 1)) {
                commands.add(new String(e.line(), StandardCharsets.UTF_8));
            }
        }
        return commands;
    }

    @Test
    void everyCommandLineOfEveryCaptureParses() {
        int total = 0;
        for (Path file : Vectors.files()) {
            for (String line : commandLines(file)) {
                Command command = CommandCodec.parse(line);
                assertThat(command.name()).as("%s: %s", file.getFileName(), line)
                        .isEqualTo(line.split(" ", 2)[0]);
                if (command instanceof RdataCommand r) {
                    assertThat(r.row().tree().isArray()).as(line).isTrue();
                }
                total++;
            }
        }
        assertThat(total).as("command lines found in the vectors").isGreaterThan(240);
    }

    @Test
    void reEncodingGivesTheIdenticalLineWhenItsJsonIsAlreadyCompactAscii() {
        int identical = 0;
        int normalised = 0;
        for (Path file : Vectors.files()) {
            for (String line : commandLines(file)) {
                Command command = CommandCodec.parse(line);
                String again = CommandCodec.encode(command, Dialect.SYNAPSE_1_66);
                if (jsonIsCompactAscii(command, line)) {
                    assertThat(again).as(file.getFileName().toString()).isEqualTo(line);
                    identical++;
                } else {
                    assertThat(jsonIsCompactAscii(command, again)).as("re-encoded JSON is compact: %s", again).isTrue();
                    assertThat(CommandCodec.parse(again)).isEqualTo(command);
                    normalised++;
                }
            }
        }
        assertThat(identical).isGreaterThan(240);
        assertThat(normalised).as("the recorder's own USER_IP line has spaces in its JSON").isEqualTo(1);
    }

    @Test
    void theSessionCaptureHasTheShapesTheEngineRelies() {
        List<Command> session = commandLines(Vectors.file("tcp-session-sqlite.txt")).stream()
                .map(CommandCodec::parse).toList();
        assertThat(session).filteredOn(c -> c instanceof RdataCommand r && r.isBatch()).hasSize(10);
        assertThat(session).filteredOn(c -> c instanceof PositionCommand).hasSize(14);
        RdataCommand tagged = session.stream()
                .filter(c -> c instanceof RdataCommand r && r.stream().equals("tag_account_data"))
                .map(RdataCommand.class::cast).findFirst().orElseThrow();
        assertThat(tagged.row().tree().get(2).textValue()).isEqualTo("{\"u.work\":{\"order\":0.5}}");
        RdataCommand presence = session.stream()
                .filter(c -> c instanceof RdataCommand r && r.stream().equals("presence"))
                .map(RdataCommand.class::cast).findFirst().orElseThrow();
        assertThat(Json.asBoolean(presence.row().tree().get(6))).as("SQLite writes booleans as 0/1").isTrue();
    }

    private static boolean jsonIsCompactAscii(Command command, String line) {
        return switch (command.type()) {
            case RDATA -> Json.isCompactAscii(((RdataCommand) command).row().text());
            case USER_IP -> Json.isCompactAscii(line.substring(line.indexOf(' ', "USER_IP ".length()) + 1));
            case LOCK_RELEASED -> Json.isCompactAscii(line.substring("LOCK_RELEASED ".length()));
            default -> true;
        };
    }
}
