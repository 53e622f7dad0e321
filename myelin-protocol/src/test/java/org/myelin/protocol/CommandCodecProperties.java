package org.myelin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The codec's laws: what it writes it reads back; whatever it is fed, it fails only with ProtocolException. */
class CommandCodecProperties {

    // ------------------------------------------------------------------ round trips

    @Property(tries = 2000)
    void parsingAnEncodedCommandGivesItBack(@ForAll("commands") Command command) {
        assertThat(CommandCodec.parse(CommandCodec.encode(command, Dialect.LATEST))).isEqualTo(command);
        byte[] line = CommandCodec.encodeLine(command, Dialect.LATEST);
        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        assertThat(Framing.decodeLine(line, 0, line.length - 1)).isEqualTo(command);
    }

    @Property(tries = 3000)
    void theLineEncoderWritesExactlyTheEncodedTextAndANewline(@ForAll("commands") Command command) {
        // encodeLine builds RDATA lines in place (no String); it must agree with encode byte for byte
        byte[] expected = (CommandCodec.encode(command, Dialect.LATEST) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(CommandCodec.encodeLine(command, Dialect.LATEST)).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void storedRowsThatAreNotAsciiAreStillEncodedAsUtf8(@ForAll("words") String stream, @ForAll("words") String instance,
            @ForAll long token, @ForAll("words") String rowText) {
        // a row a store vouched for is not trusted to be ASCII: the fast path must fall back, not truncate chars
        RdataCommand command = new RdataCommand(stream, instance, token, RawJson.ofStored(rowText));
        byte[] expected = (CommandCodec.encode(command, Dialect.LATEST) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThat(CommandCodec.encodeLine(command, Dialect.LATEST)).isEqualTo(expected);
    }

    @Provide("words")
    Arbitrary<String> wordsForProperties() {
        return words();
    }

    @Property(tries = 2000)
    void theOldDialectDropsOnlyTheDeviceIdAndRefusesNewerCommands(@ForAll("commands") Command command) {
        if (!Dialect.SYNAPSE_1_66.supports(command.type())) {
            assertThatThrownBy(() -> CommandCodec.encode(command, Dialect.SYNAPSE_1_66))
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        Command expected = command instanceof UserSyncCommand u
                ? new UserSyncCommand(u.instanceId(), u.userId(), null, u.syncing(), u.lastSyncMs())
                : command;
        assertThat(CommandCodec.parse(CommandCodec.encode(command, Dialect.SYNAPSE_1_66))).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void encodedJsonIsCompactAscii(@ForAll("commands") Command command) {
        String line = CommandCodec.encode(command);
        String json = switch (command.type()) {
            case RDATA -> ((RdataCommand) command).row().canonicalText();
            case USER_IP -> line.substring(line.indexOf(' ', "USER_IP ".length()) + 1);
            case LOCK_RELEASED -> line.substring("LOCK_RELEASED ".length());
            default -> "";
        };
        assertThat(Json.isCompactAscii(json)).as(json).isTrue();
        assertThat(line).doesNotContain("\n", "\r");
    }

    @Property(tries = 500)
    void leniencyInTheRowIsNormalisedOnTheWayOut(@ForAll("jsonValues") Object value) throws Exception {
        String spaced = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(java.util.Collections.singletonList(value))
                .replace('\n', ' ');
        RdataCommand parsed = (RdataCommand) CommandCodec.parse("RDATA s master 5 " + spaced);
        RdataCommand again = (RdataCommand) CommandCodec.parse(CommandCodec.encode(parsed));
        assertThat(again.row().tree()).isEqualTo(parsed.row().tree());
        assertThat(Json.isCompactAscii(again.row().text())).isTrue();
    }

    // ------------------------------------------------------------------ hostile input

    @Property(tries = 3000)
    void arbitraryStringsFailOnlyWithProtocolException(@ForAll("hostileLines") String line) {
        try {
            Command command = CommandCodec.parse(line);
            // a parsed command must be encodable again (rows that are not JSON fail as protocol errors)
            CommandJson.describe(command);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).doesNotContain("\n").hasSizeLessThanOrEqualTo(
                    ProtocolException.MAX_REASON_LENGTH + 3);
        }
    }

    @Property(tries = 3000)
    void arbitraryBytesFailOnlyWithProtocolException(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            Framing.decodeLine(bytes, 0, bytes.length);
        } catch (ProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void theLineReaderNeverHoldsMoreThanTheLimit(
            @ForAll @Size(max = 2000) byte[] bytes, @ForAll @IntRange(min = 1, max = 64) int limit) throws IOException {
        LineReader reader = new LineReader(new ByteArrayInputStream(bytes), limit);
        List<byte[]> lines = new ArrayList<>();
        int tooLong = 0;
        while (true) {
            try {
                byte[] line = reader.next();
                if (line == null) {
                    break;
                }
                assertThat(line.length).isLessThanOrEqualTo(limit);
                lines.add(line);
            } catch (ProtocolException e) {
                assertThat(e.getMessage()).isEqualTo(Framing.LINE_TOO_LONG);
                tooLong++;
            }
        }
        // every line is accounted for: kept whole or reported too long
        List<byte[]> expected = splitLines(bytes);
        assertThat(lines.size() + tooLong).isEqualTo(expected.size());
        assertThat(lines).usingElementComparator(Arrays::compare)
                .containsExactlyElementsOf(expected.stream().filter(l -> l.length <= limit).toList());
    }

    private static List<byte[]> splitLines(byte[] bytes) {
        List<byte[]> lines = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b == '\n') {
                lines.add(current.toByteArray());
                current.reset();
            } else {
                current.write(b);
            }
        }
        if (current.size() > 0) {
            lines.add(current.toByteArray());
        }
        return lines;
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<Command> commands() {
        Arbitrary<String> word = words();
        Arbitrary<String> text = Arbitraries.strings().all().excludeChars('\n', '\r').ofMaxLength(40)
                .filter(CommandCodecProperties::utf8Safe);
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(30);
        Arbitrary<Long> token = Arbitraries.longs();
        Arbitrary<Command> oneString = Combinators.combine(
                        Arbitraries.of(CommandType.SERVER, CommandType.NAME, CommandType.PING, CommandType.ERROR,
                                CommandType.REMOTE_SERVER_UP, CommandType.NEW_ACTIVE_TASK), text)
                .as(StringCommand::of);
        Arbitrary<Command> rdata = Combinators.combine(word, word, token.injectNull(0.2), jsonRows())
                .as(RdataCommand::new);
        Arbitrary<Command> position = Combinators.combine(word, word, token, token).as(PositionCommand::new);
        Arbitrary<Command> userSync = Combinators.combine(word, word,
                        word.filter(d -> !d.equals(UserSyncCommand.NO_DEVICE)).injectNull(0.3),
                        Arbitraries.of(true, false), token)
                .as(UserSyncCommand::new);
        Arbitrary<Command> clear = text.filter(t -> !t.isEmpty()).map(ClearUserSyncCommand::new);
        Arbitrary<Command> ack = Combinators.combine(word, token).as(FederationAckCommand::new);
        Arbitrary<Command> userIp = Combinators.combine(word, anyText.injectNull(0.1), anyText.injectNull(0.1),
                        anyText.injectNull(0.1), anyText.injectNull(0.3), token)
                .as(UserIpCommand::new);
        Arbitrary<Command> lock = Combinators.combine(anyText, anyText, anyText).as(LockReleasedCommand::new);
        return Arbitraries.oneOf(oneString, Arbitraries.just(ReplicateCommand.INSTANCE), rdata, position, userSync,
                clear, ack, userIp, lock);
    }

    private static Arbitrary<String> words() {
        return Arbitraries.strings().all().excludeChars(' ', '\n', '\r').ofMinLength(1).ofMaxLength(20)
                .filter(CommandCodecProperties::utf8Safe);
    }

    /** Text UTF-8 can carry: no unpaired surrogates (the records refuse them; see unpairedSurrogatesAreRefused). */
    private static boolean utf8Safe(String s) {
        return s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
    }

    @Property(tries = 200)
    void unpairedSurrogatesAreRefused(@ForAll @IntRange(min = 0xD800, max = 0xDFFF) int surrogate) {
        String lone = "x" + (char) surrogate;
        assertThatThrownBy(() -> new PingCommand(lone)).isInstanceOf(IllegalArgumentException.class);
    }

    private Arbitrary<RawJson> jsonRows() {
        return jsonValues().list().ofMaxSize(6).map(RawJson::fromValue);
    }

    @Provide
    Arbitrary<Object> jsonValues() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(15).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.of(0, 1).map(i -> (Object) i),
                Arbitraries.just((Object) "\u00e9\ud83d\ude00 \"quoted\" \\ \u2028"));
        return Arbitraries.recursive(() -> scalar,
                inner -> Arbitraries.oneOf(inner.list().ofMaxSize(3).map(l -> (Object) l),
                        inner.map(v -> (Object) Map.of("k", v))),
                0, 3).injectNull(0.05);
    }

    /** Lines built to get past the command name, so the argument parsers see the garbage. */
    @Provide
    Arbitrary<String> hostileLines() {
        Arbitrary<String> junk = Arbitraries.strings().all().ofMaxLength(60);
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("[]{}\",:0123456789.-eE nultrfasNI\\u").ofMaxLength(40);
        Arbitrary<String> names = Arbitraries.of(CommandType.values()).map(CommandType::wireName);
        return Arbitraries.oneOf(
                junk,
                Combinators.combine(names, junk).as((n, j) -> n + " " + j),
                Combinators.combine(names, jsonish).as((n, j) -> n + " " + j),
                jsonish.map(j -> "RDATA events master 7 " + j),
                jsonish.map(j -> "USER_IP @u:x " + j),
                jsonish.map(j -> "LOCK_RELEASED " + j),
                Arbitraries.integers().between(0, 5000).map(d -> "USER_IP @u:x " + "[".repeat(d)),
                Arbitraries.strings().withChars("0123456789 -+batch").ofMaxLength(30).map(s -> "RDATA e m " + s),
                Arbitraries.strings().withChars("0123456789 -+").ofMaxLength(30).map(s -> "POSITION e m " + s));
    }
}
