package org.myelin.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.myelin.protocol.capture.CaptureFormat;

/**
 * Feeds every case of {@code malformed-input.txt} through the framing and codec exactly as a
 * server reads a client, and checks what Myelin answers. Where Myelin differs from the reference
 * PROTOCOL.md says so: blank lines are ignored, a trailing {@code \r} is dropped, the five-field
 * USER_SYNC of newer releases is valid, and invalid UTF-8 gets an ERROR instead of a silent close.
 */
class MalformedInputTest {
    private static final String PARSE = "ERROR failed to parse line: ";

    /** Title in the capture → what the server does, line by line; an ERROR closes the link. */
    private static final Map<String, List<String>> EXPECTED = new LinkedHashMap<>();

    static {
        expect("baseline: valid PING", "PING");
        expect("unknown command", PARSE + "unknown command 'FOO'");
        expect("lower-case command", PARSE + "unknown command 'ping'");
        expect("RDATA from client", "ERROR invalid command: RDATA");
        expect("POSITION from client", "ERROR invalid command: POSITION");
        expect("SERVER from client", "ERROR invalid command: SERVER");
        expect("malformed POSITION args (also invalid direction)",
                PARSE + "POSITION expects 4 arguments (stream instance prev_token new_token), got 1");
        expect("USER_SYNC in the form given in the brief (with DEVICE)", "USER_SYNC");
        expect("USER_SYNC bad state", PARSE + "invalid USER_SYNC state 'maybe' (expected start or end)");
        expect("USER_SYNC non-int ts", PARSE + "invalid last_sync_ms 'soon': not a 64-bit integer");
        expect("USER_SYNC too few args", PARSE + "USER_SYNC expects 4 or 5 arguments");
        expect("FEDERATION_ACK bad token", PARSE + "invalid token 'notanint': not a 64-bit integer");
        expect("USER_IP bad json", PARSE + "invalid JSON: ");
        expect("ERROR from client", "ERROR");
        expect("empty line", "ignored");
        expect("line of spaces", "ignored");
        expect("leading space", PARSE + "unknown command ''");
        expect("CRLF line ending on PING", "PING");
        expect("CRLF line ending on REPLICATE", "REPLICATE");
        expect("trailing space after REPLICATE", "REPLICATE");
        expect("invalid UTF-8", PARSE + "invalid UTF-8 in line");
        expect("invalid UTF-8 in command name", PARSE + "invalid UTF-8 in line");
        expect("NUL byte", "PING");
        expect("line exactly 16384 bytes", "PING");
        expect("line 16385 bytes", "ERROR Line length exceeded");
        expect("line 20000 bytes", "ERROR Line length exceeded");
        expect("20000 bytes, no newline", "ERROR Line length exceeded");
        expect("two commands in one packet, second invalid, third valid",
                "PING", PARSE + "unknown command 'BOGUS'");
        expect("NAME with spaces", "NAME", "PING");
        expect("REPLICATE then garbage (POSITIONs still arrive?)", "REPLICATE", PARSE + "unknown command 'GARBAGE'");
    }

    private static void expect(String title, String... events) {
        EXPECTED.put(title, List.of(events));
    }

    @Test
    void everyCaseGetsTheAnswerProtocolMdGives() throws IOException {
        Map<String, byte[]> cases = readCases();
        assertThat(cases.keySet()).as("cases in malformed-input.txt").containsExactlyElementsOf(EXPECTED.keySet());
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            List<String> events = serve(c.getValue());
            List<String> expected = EXPECTED.get(c.getKey());
            assertThat(events).as(c.getKey()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertThat(events.get(i)).as(c.getKey()).startsWith(expected.get(i));
            }
        }
    }

    @Test
    void nameWithSpacesKeepsTheWholeName() throws IOException {
        byte[] sent = "NAME my worker name\n".getBytes(StandardCharsets.UTF_8);
        Command name = Framing.decodeLine(sent, 0, sent.length - 1);
        assertThat(name).isEqualTo(new NameCommand("my worker name"));
    }

    /** What a server does with these bytes from a client: one event per line until an ERROR closes. */
    static List<String> serve(byte[] sent) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(sent), Framing.DEFAULT_MAX_LINE_BYTES);
        List<String> events = new ArrayList<>();
        while (true) {
            byte[] line;
            try {
                line = reader.next();
            } catch (ProtocolException e) {
                events.add("ERROR " + e.reason());
                return events;
            }
            if (line == null) {
                return events;
            }
            Command command;
            try {
                command = Framing.decodeLine(line, 0, line.length);
            } catch (ProtocolException e) {
                events.add(PARSE + e.reason());
                return events;
            }
            if (command == null) {
                events.add("ignored");
            } else if (!command.type().mayBeSentBy(Side.CLIENT)) {
                events.add("ERROR invalid command: " + command.name());
                return events;
            } else {
                events.add(command.name());
            }
        }
    }

    private static final Pattern ELIDED = Pattern.compile("^(.*?)\\.\\.\\.\\((\\d+) bytes total\\)\\.\\.\\.(.*)$");

    /** Title → the bytes the recorder sent, with elided long lines rebuilt to their full length. */
    static Map<String, byte[]> readCases() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        String title = null;
        for (String line : Vectors.lines(Vectors.file("malformed-input.txt"))) {
            if (line.startsWith("=== ")) {
                title = line.substring(4);
            } else if (line.trim().startsWith("sent: b'") && title != null) {
                String literal = line.trim().substring("sent: b'".length(), line.trim().length() - 1);
                cases.put(title, rebuild(literal));
            }
        }
        return cases;
    }

    private static byte[] rebuild(String literal) {
        Matcher m = ELIDED.matcher(literal);
        if (!m.matches()) {
            return CaptureFormat.pythonBytes(literal);
        }
        byte[] head = CaptureFormat.pythonBytes(m.group(1));
        byte[] tail = CaptureFormat.pythonBytes(m.group(3));
        int total = Integer.parseInt(m.group(2));
        byte[] out = new byte[total];
        java.util.Arrays.fill(out, (byte) 'a');
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(tail, 0, out, total - tail.length, tail.length);
        return out;
    }
}
