package org.myelin.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON as the protocol wants it: any valid JSON in, compact ASCII-escaped JSON out (the form
 * Python's {@code json.dumps(..., separators=(",", ":"), ensure_ascii=True)} gives).
 *
 * <p>Reading rejects {@code NaN}/{@code Infinity} and trailing garbage, limits nesting depth so a
 * hostile line cannot exhaust the stack, and keeps decimals exact so that they re-encode as sent.
 */
public final class Json {
    /** Deeper documents are rejected; real rows nest two or three levels. */
    public static final int MAX_NESTING_DEPTH = 256;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                    .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
                    .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {}

    /** The shared mapper configured as above; treat it as read-only. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses one JSON document.
     *
     * @throws ProtocolException with Jackson's first message line as the reason
     */
    public static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new ProtocolException("expected JSON, got nothing");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ProtocolException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (NumberFormatException | ArithmeticException e) {
            // a number whose exponent a BigDecimal cannot hold (1e99999999999): bad input, not a bug
            throw new ProtocolException("invalid JSON: number out of range", e);
        }
    }

    /**
     * Writes a tree compactly with non-ASCII escaped.
     *
     * @throws IllegalArgumentException if the tree holds a non-finite number, which JSON cannot carry
     */
    public static String write(JsonNode node) {
        requireFinite(node);
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Whether {@code text} is already in the form {@link #write} produces as far as the protocol
     * cares: ASCII only and no whitespace outside strings. Scans once and allocates nothing, so that
     * rows received from a compliant peer are forwarded byte for byte.
     */
    public static boolean isCompactAscii(CharSequence text) {
        boolean inString = false;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                } else if (c < 0x20) {
                    return false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c <= ' ') {
                return false;
            }
        }
        return !inString;
    }

    /**
     * Reads a boolean the way Synapse writes them: {@code true}/{@code false} from PostgreSQL-backed
     * servers, {@code 1}/{@code 0} from SQLite-backed ones.
     *
     * @throws ProtocolException for anything else
     */
    public static boolean asBoolean(JsonNode node) {
        if (node != null) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                int value = node.intValue();
                if (value == 0 || value == 1) {
                    return value == 1;
                }
            }
        }
        throw new ProtocolException("expected a boolean (true/false/0/1), got " + node);
    }

    private static void requireFinite(JsonNode node) {
        if (node.isFloatingPointNumber() && !node.isBigDecimal()) {
            double value = node.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("JSON cannot carry " + value);
            }
        }
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                requireFinite(child);
            }
        }
    }
}
