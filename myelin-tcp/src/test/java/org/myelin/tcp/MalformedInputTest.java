package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.ReplicateCommand;

/**
 * Every case of {@code vectors/synapse-1.66/malformed-input.txt}, sent by a bare socket to our
 * server, gets Myelin's answer (PROTOCOL.md sections 1, 2), and a well-behaved link next to the bad
 * ones is served all along.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
    private static final String PROBE = "POSITION probe master 1 1";
    private static final String PARSE = "ERROR failed to parse line: ";

    private final RecordingListener listener = new RecordingListener();
    private TcpServer server;
    private RawPeer witness;

    @BeforeAll
    void startServer() {
        // An engine that answers REPLICATE with a POSITION, so that a peer can see it was heard.
        listener.onCommand = (link, command) -> {
            if (command instanceof ReplicateCommand) {
                link.send(new PositionCommand("probe", "master", 1, 1));
            }
        };
        server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), listener);
        witness = RawPeer.connect(server.port());
        assertThat(witness.readLine()).isEqualTo("SERVER peer.test");
        assertThat(witness.readLine()).startsWith("PING ");
        witness.send("NAME witness\nPING 1\n");
    }

    @AfterAll
    void stopServer() {
        witness.close();
        server.close();
    }

    @AfterEach
    void witnessIsStillServed() {
        witness.send("REPLICATE\n");
        assertThat(witness.readUntil(PROBE::equals)).noneMatch(line -> line.startsWith("ERROR"))
                .last().isEqualTo(PROBE);
    }

    /** How the server must answer. */
    private record Answer(String errorPrefix, String mustContain) {
        static final Answer STAYS_OPEN = new Answer(null, null);

        static Answer error(String exactLine) {
            return new Answer(exactLine, exactLine);
        }

        static Answer parseError(String fragment) {
            return new Answer(PARSE, fragment);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // accepted: no ERROR, the link stays open
                Arguments.of("baseline: valid PING", bytes("PING 123\n"), Answer.STAYS_OPEN),
                Arguments.of("ERROR from client", bytes("ERROR client is unhappy\n"), Answer.STAYS_OPEN),
                Arguments.of("NAME with spaces", bytes("NAME my worker name\nPING 5\n"), Answer.STAYS_OPEN),
                Arguments.of("NUL byte", bytes("PING a\u0000b\n"), Answer.STAYS_OPEN),
                Arguments.of("CRLF on PING", bytes("PING 1\r\n"), Answer.STAYS_OPEN),
                Arguments.of("CRLF on REPLICATE", bytes("REPLICATE\r\n"), Answer.STAYS_OPEN),
                Arguments.of("trailing space after REPLICATE", bytes("REPLICATE \n"), Answer.STAYS_OPEN),
                Arguments.of("empty line (Myelin ignores it)", bytes("\n"), Answer.STAYS_OPEN),
                Arguments.of("line of spaces (Myelin ignores it)", bytes("   \n"), Answer.STAYS_OPEN),
                Arguments.of("line exactly 16384 bytes", ping(16385, true), Answer.STAYS_OPEN),
                Arguments.of("USER_SYNC with DEVICE (5 fields, newer Synapse)",
                        bytes("USER_SYNC someinstance @bob1:peer.test DEVICE start 1795714477950\n"), Answer.STAYS_OPEN),
                // unknown commands
                Arguments.of("unknown command", bytes("FOO bar baz\n"), Answer.parseError("unknown command 'FOO'")),
                Arguments.of("lower-case command", bytes("ping 1\n"), Answer.parseError("unknown command 'ping'")),
                Arguments.of("leading space", bytes(" PING 1\n"), Answer.parseError("unknown command ''")),
                // wrong direction
                Arguments.of("RDATA from client", bytes("RDATA events master 99 [\"ev\",[\"$x\",\"!r:peer.test\","
                        + "\"m.room.message\",null,null,null,null,0,0]]\n"), Answer.error("ERROR invalid command: RDATA")),
                Arguments.of("POSITION from client", bytes("POSITION events master 1 2\n"),
                        Answer.error("ERROR invalid command: POSITION")),
                Arguments.of("SERVER from client", bytes("SERVER evil.test\n"), Answer.error("ERROR invalid command: SERVER")),
                // bad arguments
                Arguments.of("malformed POSITION args", bytes("POSITION events\n"), Answer.parseError("POSITION expects 4")),
                Arguments.of("USER_SYNC bad state", bytes("USER_SYNC someinstance @bob1:peer.test maybe 1\n"),
                        Answer.parseError("USER_SYNC state 'maybe'")),
                Arguments.of("USER_SYNC non-int ts", bytes("USER_SYNC someinstance @bob1:peer.test start soon\n"),
                        Answer.parseError("'soon'")),
                Arguments.of("USER_SYNC too few args", bytes("USER_SYNC someinstance\n"), Answer.parseError("USER_SYNC")),
                Arguments.of("FEDERATION_ACK bad token", bytes("FEDERATION_ACK master notanint\n"),
                        Answer.parseError("'notanint'")),
                Arguments.of("USER_IP bad json", bytes("USER_IP @bob1:peer.test {not json\n"), Answer.parseError("")),
                // invalid UTF-8: Myelin answers (the reference closes silently)
                Arguments.of("invalid UTF-8", concat(bytes("PING "), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd},
                        bytes("\n")), Answer.parseError("UTF-8")),
                Arguments.of("invalid UTF-8 in command name", concat(new byte[] {(byte) 0xc3}, bytes("( 1\n")),
                        Answer.parseError("UTF-8")),
                // over the line limit
                Arguments.of("line 16385 bytes", ping(16386, true), Answer.error("ERROR Line length exceeded")),
                Arguments.of("line 20000 bytes", ping(20006, true), Answer.error("ERROR Line length exceeded")),
                Arguments.of("20000 bytes, no newline", ping(20005, false), Answer.error("ERROR Line length exceeded")),
                // several commands in one packet
                Arguments.of("second command invalid", bytes("PING 1\nBOGUS\nPING 2\n"),
                        Answer.parseError("unknown command 'BOGUS'")),
                Arguments.of("REPLICATE then garbage", bytes("REPLICATE\nGARBAGE\n"),
                        Answer.parseError("unknown command 'GARBAGE'")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersLikeTheProtocolSays(String name, byte[] input, Answer answer) {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            assertThat(peer.readLine()).isEqualTo("SERVER peer.test");
            assertThat(peer.readLine()).startsWith("PING ");
            Link link = awaitLinkOf(peer);
            peer.send(input);
            if (answer == Answer.STAYS_OPEN) {
                // A REPLICATE sent afterwards is answered: everything before it was read and accepted.
                peer.send("REPLICATE\n");
                assertThat(peer.readUntil(PROBE::equals)).noneMatch(line -> line.startsWith("ERROR"))
                        .last().isEqualTo(PROBE);
                assertThat(link.isOpen()).isTrue();
            } else {
                List<String> lines = peer.readUntilClosed();
                assertThat(lines.get(lines.size() - 1)).as("closed by the server").isEqualTo(RawPeer.EOF);
                List<String> errors = lines.stream().filter(line -> line.startsWith("ERROR")).toList();
                assertThat(errors).hasSize(1);
                assertThat(errors.get(0)).startsWith(answer.errorPrefix()).contains(answer.mustContain());
                eventually().until(() -> !link.isOpen());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void nameWithSpacesBecomesTheLinkName() {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            peer.readLine();
            Link link = awaitLinkOf(peer);
            assertThat(link.name()).isEqualTo(peer.localAddress().toString());
            peer.send("NAME my worker name\nNAME my renamed worker\nREPLICATE\n");
            assertThat(peer.readUntil(PROBE::equals)).last().isEqualTo(PROBE);
            assertThat(link.name()).isEqualTo("my renamed worker");
        }
    }

    @org.junit.jupiter.api.Test
    void replicateBeforeGarbageStillReachesTheListener() {
        try (RawPeer peer = RawPeer.connect(server.port())) {
            peer.readLine();
            Link link = awaitLinkOf(peer);
            peer.send("REPLICATE\nGARBAGE\nREPLICATE\n");
            List<String> lines = peer.readUntilClosed();
            assertThat(lines).containsSubsequence(PROBE, PARSE + "unknown command 'GARBAGE'", RawPeer.EOF);
            assertThat(listener.commands.stream().filter(r -> r.link() == link)).hasSize(1);
        }
    }

    private Link awaitLinkOf(RawPeer peer) {
        return eventually().until(
                () -> server.links().stream().filter(peer::is).findFirst().orElse(null), l -> l != null);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** "PING aaa..." of {@code total} bytes, the final newline included when there is one. */
    private static byte[] ping(int total, boolean newline) {
        StringBuilder line = new StringBuilder(total).append("PING ");
        int letters = total - line.length() - (newline ? 1 : 0);
        line.append("a".repeat(letters));
        if (newline) {
            line.append('\n');
        }
        byte[] out = bytes(line.toString());
        assertThat(out).hasSize(total);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
