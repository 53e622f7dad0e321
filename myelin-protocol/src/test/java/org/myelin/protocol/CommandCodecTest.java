package org.myelin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Examples of the rules PROTOCOL.md section 1 and 2 state, one rule per test. */
class CommandCodecTest {

    @Test
    void rdataKeepsTheRowRawAndReadsBatchAsNoToken() {
        RdataCommand r = (RdataCommand) CommandCodec.parse("RDATA events master batch [\"ev\",[1, 2]]");
        assertThat(r.isBatch()).isTrue();
        assertThat(r.row().text()).isEqualTo("[\"ev\",[1, 2]]");
        assertThat(CommandCodec.encode(r)).isEqualTo("RDATA events master batch [\"ev\",[1,2]]");
    }

    @Test
    void nonAsciiInRowsIsEscapedWithLowerCaseHexLikePython() {
        Command c = CommandCodec.parse("RDATA presence master 3 [\"caf\u00e9 \ud83d\ude00\"]");
        assertThat(CommandCodec.encode(c)).isEqualTo("RDATA presence master 3 [\"caf\\u00e9 \\ud83d\\ude00\"]");
    }

    @Test
    void nanAndInfinityAreRejected() {
        RdataCommand r = (RdataCommand) CommandCodec.parse("RDATA s m 1 [NaN]");
        assertThatThrownBy(r.row()::tree).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> CommandCodec.parse("USER_IP @u:x [\"t\",\"ip\",\"ua\",null,Infinity]"))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void aNumberTooBigForABigDecimalIsAProtocolErrorNotANumberFormatException() {
        RdataCommand r = (RdataCommand) CommandCodec.parse("RDATA s m 1 [1e99999999999]");
        assertThatThrownBy(r.row()::tree).isInstanceOf(ProtocolException.class);
        RdataCommand spaced = (RdataCommand) CommandCodec.parse("RDATA s m 1 [1e99999999999, 2]");
        assertThatThrownBy(spaced.row()::canonicalText).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> Json.parse("{\"a\":-1E-99999999999}")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void userSyncHasFourFieldsInTheOldDialectAndFiveInTheLatest() {
        UserSyncCommand old = (UserSyncCommand) CommandCodec.parse("USER_SYNC w1 @a:x start 17");
        assertThat(old.deviceId()).isNull();
        assertThat(CommandCodec.encode(old, Dialect.SYNAPSE_1_66)).isEqualTo("USER_SYNC w1 @a:x start 17");
        assertThat(CommandCodec.encode(old, Dialect.LATEST)).isEqualTo("USER_SYNC w1 @a:x None start 17");
        UserSyncCommand latest = (UserSyncCommand) CommandCodec.parse("USER_SYNC w1 @a:x DEV end 18");
        assertThat(latest).isEqualTo(new UserSyncCommand("w1", "@a:x", "DEV", false, 18));
        assertThat(CommandCodec.parse("USER_SYNC w1 @a:x None end 18"))
                .isEqualTo(new UserSyncCommand("w1", "@a:x", null, false, 18));
    }

    @Test
    void newerCommandsAreNotEncodedForOldPeers() {
        assertThat(Dialect.SYNAPSE_1_66.supports(CommandType.LOCK_RELEASED)).isFalse();
        assertThat(Dialect.SYNAPSE_1_66.supports(CommandType.NEW_ACTIVE_TASK)).isFalse();
        assertThatThrownBy(() -> CommandCodec.encode(new NewActiveTaskCommand("t1"), Dialect.SYNAPSE_1_66))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.66");
        assertThat(CommandCodec.encode(new LockReleasedCommand("w", "n", "k")))
                .isEqualTo("LOCK_RELEASED [\"w\",\"n\",\"k\"]");
    }

    @Test
    void replicateIgnoresItsArgumentsAndOneWordCommandsHaveEmptyData() {
        assertThat(CommandCodec.parse("REPLICATE ")).isEqualTo(ReplicateCommand.INSTANCE);
        assertThat(CommandCodec.parse("REPLICATE\r")).isEqualTo(ReplicateCommand.INSTANCE);
        assertThat(CommandCodec.parse("PING")).isEqualTo(new PingCommand(""));
        assertThat(CommandCodec.encode(new PingCommand(""))).isEqualTo("PING");
    }

    @Test
    void theDirectionTableIsTheReferences() {
        assertThat(CommandType.RDATA.mayBeSentBy(Side.CLIENT)).isFalse();
        assertThat(CommandType.REPLICATE.mayBeSentBy(Side.SERVER)).isFalse();
        assertThat(CommandType.REMOTE_SERVER_UP.mayBeSentBy(Side.CLIENT)).isTrue();
        assertThat(CommandType.REMOTE_SERVER_UP.mayBeSentBy(Side.SERVER)).isTrue();
        assertThat(CommandType.NEW_ACTIVE_TASK.mayBeSentBy(Side.SERVER)).isFalse();
        assertThat(CommandType.NEW_ACTIVE_TASK.mayBeSentBy(Side.CLIENT)).isFalse();
    }

    @Test
    void reasonsAreOneShortLineEvenForHugeInput() {
        String huge = "x".repeat(10_000) + "\nmore";
        assertThatThrownBy(() -> CommandCodec.parse("FEDERATION_ACK m " + huge))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(250));
        assertThatThrownBy(() -> CommandCodec.parse("USER_IP @u:x " + "[".repeat(100_000)))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void blankLinesAreSkippedByTheFramingButAreNotCommands() {
        byte[] blank = " \t\r".getBytes(StandardCharsets.US_ASCII);
        assertThat(Framing.decodeLine(blank, 0, blank.length)).isNull();
        assertThatThrownBy(() -> CommandCodec.parse("  ")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void userIpHidesTheAccessTokenFromLogs() {
        UserIpCommand u = new UserIpCommand("@u:x", "secret-token", "10.0.0.1", "ua", null, 5);
        assertThat(u.toString()).doesNotContain("secret-token");
        assertThat(CommandJson.describe(u).toString()).doesNotContain("secret-token");
    }

    @Test
    void lenientJsonAcceptsSpacesNonAsciiAndNumericBooleans() {
        UserIpCommand u = (UserIpCommand) CommandCodec.parse(
                "USER_IP @u:x [ \"t\" , \"::1\", \"Zo\u00eb\", null , 12 ]");
        assertThat(u.userAgent()).isEqualTo("Zo\u00eb");
        assertThat(CommandCodec.encode(u)).isEqualTo("USER_IP @u:x [\"t\",\"::1\",\"Zo\\u00eb\",null,12]");
        assertThat(Json.asBoolean(Json.parse("1"))).isTrue();
        assertThat(Json.asBoolean(Json.parse("false"))).isFalse();
        assertThatThrownBy(() -> Json.asBoolean(Json.parse("2"))).isInstanceOf(ProtocolException.class);
    }

    @Test
    void compactAsciiCheckSeesWhitespaceOnlyOutsideStrings() {
        assertThat(Json.isCompactAscii("[\"a b\",1,{\"k\":null}]")).isTrue();
        assertThat(Json.isCompactAscii("[1, 2]")).isFalse();
        assertThat(Json.isCompactAscii("[\"\u00e9\"]")).isFalse();
        assertThat(Json.isCompactAscii("[\"a\\\" b\"]")).isTrue();
    }
}
