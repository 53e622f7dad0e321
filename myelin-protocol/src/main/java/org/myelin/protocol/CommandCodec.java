package org.myelin.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads commands from lines and writes them back.
 *
 * <p>Parsing is lenient where the reference is (spaces and literal non-ASCII in JSON, {@code 0}/{@code 1}
 * booleans, a trailing {@code \r}, both {@code USER_SYNC} forms) and throws nothing but
 * {@link ProtocolException}. Encoding is strict: compact, ASCII-escaped JSON, one line, in the
 * form the chosen {@link Dialect} understands.
 *
 * <p>Blank lines are not commands: a transport skips them (see {@link Framing#decodeLine}) before
 * calling {@link #parse(String)}, which rejects them.
 */
public final class CommandCodec {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CommandCodec() {}

    // ------------------------------------------------------------------ parsing

    /**
     * Parses one line (without its {@code \n}; a trailing {@code \r} is dropped).
     *
     * @throws ProtocolException if the line is not a valid command; the message is the reason
     */
    public static Command parse(String line) {
        try {
            return parseLine(line);
        } catch (ProtocolException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // a record constructor refused a field value
            throw new ProtocolException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ProtocolException("cannot parse line: " + e, e);
        }
    }

    /**
     * Parses one line given as UTF-8 bytes (without the {@code \n}).
     *
     * @throws ProtocolException if the bytes are not valid UTF-8 or not a valid command
     */
    public static Command parse(byte[] bytes, int offset, int length) {
        return parse(decodeUtf8(bytes, offset, length));
    }

    /**
     * Decodes strict UTF-8; ASCII (nearly every line) takes a copy-free fast path.
     *
     * @throws ProtocolException on a malformed or truncated sequence
     */
    public static String decodeUtf8(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] < 0) {
                return decodeNonAscii(bytes, offset, length);
            }
        }
        return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static String decodeNonAscii(byte[] bytes, int offset, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ProtocolException("invalid UTF-8 in line");
        }
    }

    private static Command parseLine(String line) {
        if (line == null) {
            throw new ProtocolException("no line");
        }
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isBlank()) {
            throw new ProtocolException("blank line");
        }
        int space = line.indexOf(' ');
        int nameLength = space < 0 ? line.length() : space;
        CommandType type = CommandType.lookup(line, nameLength);
        if (type == null) {
            throw new ProtocolException("unknown command '" + line.substring(0, nameLength) + "'");
        }
        int args = space < 0 ? line.length() : space + 1;
        return switch (type) {
            case RDATA -> parseRdata(line, args);
            case POSITION -> parsePosition(line, args);
            case REPLICATE -> ReplicateCommand.INSTANCE;
            case USER_SYNC -> parseUserSync(line, args);
            case CLEAR_USER_SYNC -> new ClearUserSyncCommand(line.substring(args));
            case FEDERATION_ACK -> parseFederationAck(line, args);
            case USER_IP -> parseUserIp(line, args);
            case LOCK_RELEASED -> parseLockReleased(line, args);
            case SERVER, NAME, PING, ERROR, REMOTE_SERVER_UP, NEW_ACTIVE_TASK ->
                    StringCommand.of(type, line.substring(args));
        };
    }

    /** The hot path: fields are cut out by index, the token read in place, the row left unparsed. */
    private static RdataCommand parseRdata(String line, int from) {
        int streamEnd = line.indexOf(' ', from);
        int instanceEnd = streamEnd < 0 ? -1 : line.indexOf(' ', streamEnd + 1);
        int tokenEnd = instanceEnd < 0 ? -1 : line.indexOf(' ', instanceEnd + 1);
        if (tokenEnd < 0) {
            String[] f = split(line, from, 4);
            requireCount(CommandType.RDATA, f, 4, "stream instance token|batch row_json");
        }
        int tokenStart = instanceEnd + 1;
        Long token = tokenEnd - tokenStart == 5 && line.startsWith("batch", tokenStart)
                ? null
                : parseLong("token", line, tokenStart, tokenEnd);
        String row = line.substring(tokenEnd + 1);
        if (row.isEmpty()) {
            throw new ProtocolException("RDATA row must not be empty");
        }
        // the row comes from one line, so it holds no line break: skip RawJson.of's checks
        return new RdataCommand(line.substring(from, streamEnd), line.substring(streamEnd + 1, instanceEnd), token,
                RawJson.fromLine(row));
    }

    private static PositionCommand parsePosition(String line, int from) {
        int streamEnd = line.indexOf(' ', from);
        int instanceEnd = streamEnd < 0 ? -1 : line.indexOf(' ', streamEnd + 1);
        int prevEnd = instanceEnd < 0 ? -1 : line.indexOf(' ', instanceEnd + 1);
        if (prevEnd < 0) {
            String[] f = split(line, from, 4);
            requireCount(CommandType.POSITION, f, 4, "stream instance prev_token new_token");
        }
        return new PositionCommand(line.substring(from, streamEnd), line.substring(streamEnd + 1, instanceEnd),
                parseLong("prev_token", line, instanceEnd + 1, prevEnd),
                parseLong("new_token", line, prevEnd + 1, line.length()));
    }

    private static UserSyncCommand parseUserSync(String line, int from) {
        String[] f = split(line, from, Integer.MAX_VALUE);
        if (f.length != 4 && f.length != 5) {
            throw new ProtocolException("USER_SYNC expects 4 or 5 arguments "
                    + "(instance_id user_id [device_id] start|end last_sync_ms), got " + f.length);
        }
        int state = f.length - 2;
        String device = f.length == 5 && !UserSyncCommand.NO_DEVICE.equals(f[2]) ? f[2] : null;
        boolean syncing = switch (f[state]) {
            case "start" -> true;
            case "end" -> false;
            default -> throw new ProtocolException(
                    "invalid USER_SYNC state '" + f[state] + "' (expected start or end)");
        };
        return new UserSyncCommand(f[0], f[1], device, syncing, parseLong("last_sync_ms", f[state + 1]));
    }

    private static FederationAckCommand parseFederationAck(String line, int from) {
        String[] f = split(line, from, Integer.MAX_VALUE);
        requireCount(CommandType.FEDERATION_ACK, f, 2, "instance_name token");
        return new FederationAckCommand(f[0], parseLong("token", f[1]));
    }

    private static UserIpCommand parseUserIp(String line, int from) {
        String[] f = split(line, from, 2);
        requireCount(CommandType.USER_IP, f, 2, "user_id json");
        JsonNode json = Json.parse(f[1]);
        if (!json.isArray() || json.size() != 5) {
            throw new ProtocolException(
                    "USER_IP JSON must be [access_token, ip, user_agent, device_id, last_seen_ms]");
        }
        JsonNode lastSeen = json.get(4);
        if (!lastSeen.isIntegralNumber() || !lastSeen.canConvertToLong()) {
            throw new ProtocolException("USER_IP last_seen_ms must be an integer, got " + lastSeen);
        }
        return new UserIpCommand(f[0], textOrNull(json, 0, "access_token"), textOrNull(json, 1, "ip"),
                textOrNull(json, 2, "user_agent"), textOrNull(json, 3, "device_id"), lastSeen.longValue());
    }

    private static LockReleasedCommand parseLockReleased(String line, int from) {
        JsonNode json = Json.parse(line.substring(from));
        if (!json.isArray() || json.size() != 3 || !json.get(0).isTextual() || !json.get(1).isTextual()
                || !json.get(2).isTextual()) {
            throw new ProtocolException("LOCK_RELEASED JSON must be [instance_name, lock_name, lock_key]");
        }
        return new LockReleasedCommand(json.get(0).textValue(), json.get(1).textValue(), json.get(2).textValue());
    }

    private static String textOrNull(JsonNode array, int index, String field) {
        JsonNode node = array.get(index);
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new ProtocolException("USER_IP " + field + " must be a string or null, got " + node);
        }
        return node.textValue();
    }

    /** Splits on single spaces into at most {@code limit} parts, the last taking the rest of the line. */
    private static String[] split(String line, int from, int limit) {
        int length = line.length();
        if (from >= length) {
            return new String[0];
        }
        int count = 1;
        for (int i = from; i < length && count < limit; i++) {
            if (line.charAt(i) == ' ') {
                count++;
            }
        }
        String[] parts = new String[count];
        int start = from;
        for (int p = 0; p < count - 1; p++) {
            int space = line.indexOf(' ', start);
            parts[p] = line.substring(start, space);
            start = space + 1;
        }
        parts[count - 1] = line.substring(start);
        return parts;
    }

    private static void requireCount(CommandType type, String[] fields, int expected, String shape) {
        if (fields.length != expected) {
            throw new ProtocolException(type.wireName() + " expects " + expected + " arguments (" + shape
                    + "), got " + fields.length);
        }
    }

    private static long parseLong(String field, String text) {
        return parseLong(field, text, 0, text.length());
    }

    private static long parseLong(String field, String line, int start, int end) {
        try {
            return Long.parseLong(line, start, end, 10);
        } catch (NumberFormatException e) {
            String text = line.substring(start, end);
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw new ProtocolException("invalid " + field + " '" + shown + "': not a 64-bit integer");
        }
    }

    // ------------------------------------------------------------------ encoding

    /** Encodes for a peer speaking the latest dialect; the line has no {@code \n}. */
    public static String encode(Command command) {
        return encode(command, Dialect.LATEST);
    }

    /**
     * Encodes one command as a line without its {@code \n}.
     *
     * @throws IllegalArgumentException if the dialect does not know the command (see
     *     {@link Dialect#supports}); transports check that first and do not send it
     */
    public static String encode(Command command, Dialect dialect) {
        if (!dialect.supports(command.type())) {
            throw new IllegalArgumentException(
                    command.name() + " is not understood by peers speaking the " + dialect + " dialect");
        }
        return switch (command.type()) {
            case RDATA -> encodeRdata((RdataCommand) command);
            case POSITION -> {
                PositionCommand p = (PositionCommand) command;
                yield "POSITION " + p.stream() + ' ' + p.instance() + ' ' + p.prevToken() + ' ' + p.newToken();
            }
            case REPLICATE -> "REPLICATE";
            case USER_SYNC -> encodeUserSync((UserSyncCommand) command, dialect);
            case CLEAR_USER_SYNC -> "CLEAR_USER_SYNC " + ((ClearUserSyncCommand) command).instanceId();
            case FEDERATION_ACK -> {
                FederationAckCommand f = (FederationAckCommand) command;
                yield "FEDERATION_ACK " + f.instanceName() + ' ' + f.token();
            }
            case USER_IP -> encodeUserIp((UserIpCommand) command);
            case LOCK_RELEASED -> {
                LockReleasedCommand l = (LockReleasedCommand) command;
                ArrayNode json = NODES.arrayNode().add(l.instanceName()).add(l.lockName()).add(l.lockKey());
                yield "LOCK_RELEASED " + Json.write(json);
            }
            case SERVER, NAME, PING, ERROR, REMOTE_SERVER_UP, NEW_ACTIVE_TASK -> {
                String data = ((StringCommand) command).data();
                yield data.isEmpty() ? command.name() : command.name() + ' ' + data;
            }
        };
    }

    /**
     * Encodes one command as UTF-8 bytes ending in {@code \n}, ready for a socket.
     *
     * @throws IllegalArgumentException as {@link #encode(Command, Dialect)}
     */
    public static byte[] encodeLine(Command command, Dialect dialect) {
        if (command instanceof RdataCommand rdata && dialect.supports(CommandType.RDATA)) {
            byte[] line = encodeRdataLine(rdata);
            if (line != null) {
                return line;
            }
        }
        String line = encode(command, dialect);
        byte[] body = line.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length + 1];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = '\n';
        return out;
    }

    /**
     * The RDATA line in one array, built in place: the streamer encodes every row it sends, and the
     * String, builder and copies of the general path were most of its garbage. {@code null} when a
     * part is not ASCII (the general path encodes those; a canonical row always is ASCII, but a row
     * a store vouched for is checked rather than trusted).
     */
    private static byte[] encodeRdataLine(RdataCommand r) {
        String stream = r.stream();
        String instance = r.instance();
        String row = r.row().canonicalText();
        if (!isAscii(stream) || !isAscii(instance) || !isAscii(row)) {
            return null;
        }
        Long token = r.token();
        long t = token == null ? 0 : token;
        int tokenLength = token == null ? BATCH.length : digits(t);
        int length = RDATA_PREFIX.length + stream.length() + 1 + instance.length() + 1 + tokenLength + 1
                + row.length() + 1;
        byte[] out = new byte[length];
        System.arraycopy(RDATA_PREFIX, 0, out, 0, RDATA_PREFIX.length);
        int at = RDATA_PREFIX.length;
        at = putAscii(stream, out, at);
        out[at++] = ' ';
        at = putAscii(instance, out, at);
        out[at++] = ' ';
        if (token == null) {
            System.arraycopy(BATCH, 0, out, at, BATCH.length);
        } else {
            putDigits(t, out, at + tokenLength);
        }
        at += tokenLength;
        out[at++] = ' ';
        at = putAscii(row, out, at);
        out[at] = '\n';
        return out;
    }

    private static final byte[] RDATA_PREFIX = "RDATA ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BATCH = "batch".getBytes(StandardCharsets.US_ASCII);

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("deprecation") // the byte-per-char copy is exact for ASCII, and allocates nothing
    private static int putAscii(String s, byte[] out, int at) {
        s.getBytes(0, s.length(), out, at);
        return at + s.length();
    }

    /** Decimal digits of a token (negative tokens, which a peer could send, included with their sign). */
    private static int digits(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
        }
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** Writes the digits of {@code v} ending just before {@code end}. */
    private static void putDigits(long v, byte[] out, int end) {
        if (v == Long.MIN_VALUE) {
            byte[] min = Long.toString(v).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, out, end - min.length, min.length);
            return;
        }
        boolean negative = v < 0;
        long rest = Math.abs(v);
        int i = end;
        do {
            out[--i] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (negative) {
            out[--i] = '-';
        }
    }

    private static String encodeRdata(RdataCommand r) {
        String row = r.row().canonicalText();
        Long token = r.token();
        StringBuilder out = new StringBuilder(r.stream().length() + r.instance().length() + row.length() + 32)
                .append("RDATA ").append(r.stream()).append(' ').append(r.instance()).append(' ');
        if (token == null) {
            out.append("batch");
        } else {
            out.append(token.longValue());
        }
        return out.append(' ').append(row).toString();
    }

    private static String encodeUserSync(UserSyncCommand u, Dialect dialect) {
        StringBuilder out = new StringBuilder(64).append("USER_SYNC ").append(u.instanceId()).append(' ')
                .append(u.userId()).append(' ');
        if (dialect != Dialect.SYNAPSE_1_66) {
            out.append(u.deviceId() == null ? UserSyncCommand.NO_DEVICE : u.deviceId()).append(' ');
        }
        return out.append(u.state()).append(' ').append(u.lastSyncMs()).toString();
    }

    private static String encodeUserIp(UserIpCommand u) {
        ArrayNode json = NODES.arrayNode()
                .add(u.accessToken()).add(u.ip()).add(u.userAgent()).add(u.deviceId()).add(u.lastSeenMs());
        return "USER_IP " + u.userId() + ' ' + Json.write(json);
    }
}
