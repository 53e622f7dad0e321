package org.myelin.http.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/**
 * A write request's body, read as a stream (never as one tree, so that memory stays near the size
 * of the rows themselves): a JSON array of rows, or {@code {"rows": [...], "same_token": bool}}.
 * Each row is kept as compact ASCII-escaped JSON text, numbers as sent.
 *
 * <p>Strict: the body must be valid UTF-8, objects must not repeat a key, numbers must be finite
 * as doubles, nesting is limited, nothing may follow the document, and at most {@code maxRows}
 * rows are taken.
 *
 * @param rows the rows, in order
 * @param sameToken whether they share one token
 */
record RowsBody(List<RawJson> rows, boolean sameToken) {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Json.MAX_NESTING_DEPTH)
                    .build())
            .build();
    private static final String SHAPE =
            "body must be a JSON array of rows or {\"rows\": [...], \"same_token\": true}";

    /** A body with more rows than allowed. */
    static final class TooManyRows extends RuntimeException {
        TooManyRows(int max) {
            super("at most " + max + " rows per request");
        }
    }

    /**
     * Reads a body.
     *
     * @throws IllegalArgumentException for anything that is not a strict, well-formed body
     * @throws TooManyRows beyond {@code maxRows} rows
     */
    static RowsBody parse(byte[] body, int maxRows) {
        requireUtf8(body);
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IllegalArgumentException("empty body; " + SHAPE);
            }
            RowsBody result;
            if (first == JsonToken.START_ARRAY) {
                result = new RowsBody(readRows(p, maxRows), false);
            } else if (first == JsonToken.START_OBJECT) {
                result = readObject(p, maxRows);
            } else {
                throw new IllegalArgumentException(SHAPE);
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("unexpected content after the JSON document");
            }
            return result;
        } catch (StreamConstraintsException e) {
            throw new IllegalArgumentException("JSON too deep or too long: " + e.getOriginalMessage(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable body: " + e.getMessage(), e);
        }
    }

    private static RowsBody readObject(JsonParser p, int maxRows) throws IOException {
        List<RawJson> rows = null;
        boolean same = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "rows" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new IllegalArgumentException("rows must be an array; " + SHAPE);
                    }
                    rows = readRows(p, maxRows);
                }
                case "same_token" -> {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                        throw new IllegalArgumentException("same_token must be true or false");
                    }
                    same = value == JsonToken.VALUE_TRUE;
                }
                default -> throw new IllegalArgumentException("unknown field '" + field + "'; " + SHAPE);
            }
        }
        if (rows == null) {
            throw new IllegalArgumentException("rows missing; " + SHAPE);
        }
        return new RowsBody(rows, same);
    }

    /** Reads the rows of an array whose START_ARRAY is the current token, up to its END_ARRAY. */
    private static List<RawJson> readRows(JsonParser p, int maxRows) throws IOException {
        List<RawJson> rows = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (rows.size() == maxRows) {
                throw new TooManyRows(maxRows);
            }
            StringWriter text = new StringWriter(64);
            try (JsonGenerator g = FACTORY.createGenerator(text)) {
                copyValue(p, g);
            }
            rows.add(RawJson.of(text.toString()));
        }
        return rows;
    }

    /** Copies the value at the current token, numbers as their text once proved finite. */
    private static void copyValue(JsonParser p, JsonGenerator g) throws IOException {
        int depth = 0;
        do {
            JsonToken t = p.currentToken();
            switch (t) {
                case START_ARRAY -> {
                    g.writeStartArray();
                    depth++;
                }
                case START_OBJECT -> {
                    g.writeStartObject();
                    depth++;
                }
                case END_ARRAY -> {
                    g.writeEndArray();
                    depth--;
                }
                case END_OBJECT -> {
                    g.writeEndObject();
                    depth--;
                }
                case FIELD_NAME -> g.writeFieldName(p.currentName());
                case VALUE_STRING -> g.writeString(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                case VALUE_NUMBER_INT -> g.writeNumber(finite(p.getText(), 300));
                case VALUE_NUMBER_FLOAT -> g.writeNumber(finite(p.getText(), 0));
                case VALUE_TRUE -> g.writeBoolean(true);
                case VALUE_FALSE -> g.writeBoolean(false);
                case VALUE_NULL -> g.writeNull();
                default -> throw new IllegalArgumentException("unexpected JSON token " + t);
            }
            if (depth > 0) {
                p.nextToken();
            }
        } while (depth > 0);
    }

    /**
     * The number's text, if it is finite as a double (readers in other languages must be able to hold
     * it); numbers up to {@code surelyFinite} characters long are not checked.
     */
    private static String finite(String number, int surelyFinite) {
        if (number.length() > surelyFinite && Double.isInfinite(Double.parseDouble(number))) {
            throw new IllegalArgumentException("number " + abbreviate(number) + " is out of range of a double");
        }
        return number;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * Proves the body is valid UTF-8 (the JSON parser alone lets some invalid sequences through as
     * replacement characters), decoding in small chunks so that memory does not double.
     */
    private static void requireUtf8(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                throw new IllegalArgumentException("body is not valid UTF-8 (at byte " + in.position() + ")");
            }
            out.clear();
            if (r.isUnderflow()) {
                break;
            }
        }
        CoderResult end = decoder.flush(out);
        if (end.isError()) {
            throw new IllegalArgumentException("body is not valid UTF-8");
        }
    }
}
