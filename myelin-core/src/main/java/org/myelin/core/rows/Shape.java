package org.myelin.core.rows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * Reads the fields of a row, throwing {@link Mismatch} at the first one that does not have the
 * expected JSON type: the decoder then keeps the row raw instead of guessing.
 */
final class Shape {
    private Shape() {}

    /** A row that is valid JSON but not the shape its stream's decoder expects. */
    static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            // No stack trace: mismatches are an expected outcome, not a bug, and may be frequent.
            super(message, null, false, false);
        }
    }

    /** Requires an array of exactly {@code size} elements. */
    static JsonNode array(JsonNode node, int size) {
        if (node == null || !node.isArray() || node.size() != size) {
            throw new Mismatch("expected an array of " + size + " fields");
        }
        return node;
    }

    /** A string that must be present. */
    static String text(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw new Mismatch("expected a string");
        }
        return node.textValue();
    }

    /** A string or {@code null}. */
    static String textOrNull(JsonNode node) {
        return node != null && node.isNull() ? null : text(node);
    }

    /** An integer that fits a {@code long}. */
    static long integer(JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new Mismatch("expected an integer");
        }
        return node.longValue();
    }

    /** An array of strings. */
    static List<String> texts(JsonNode node) {
        if (node == null || !node.isArray()) {
            throw new Mismatch("expected an array of strings");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            out.add(text(element));
        }
        return out;
    }

    /** An array of strings and {@code null}s (cache keys), or {@code null} itself. */
    static List<String> textsOrNulls(JsonNode node) {
        if (node != null && node.isNull()) {
            return null;
        }
        if (node == null || !node.isArray()) {
            throw new Mismatch("expected an array or null");
        }
        List<String> out = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            out.add(textOrNull(element));
        }
        return Collections.unmodifiableList(out);
    }

    /** Any JSON value, kept as it is. */
    static RawJson raw(JsonNode node) {
        if (node == null) {
            throw new Mismatch("missing field");
        }
        return RawJson.fromTree(node);
    }

    /** Any JSON object. */
    static RawJson object(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new Mismatch("expected an object");
        }
        return RawJson.fromTree(node);
    }

    /**
     * Reads the booleans of one row and remembers their spelling. All booleans of a row must be
     * spelt alike: a row mixing {@code 0} and {@code true} could not be re-encoded as it came.
     */
    static final class Booleans {
        private RowFlavour flavour;

        boolean read(JsonNode node) {
            RowFlavour seen;
            boolean value;
            if (node != null && node.isBoolean()) {
                seen = RowFlavour.POSTGRES;
                value = node.booleanValue();
            } else if (node != null && node.isIntegralNumber() && node.canConvertToInt()
                    && (node.intValue() == 0 || node.intValue() == 1)) {
                seen = RowFlavour.SQLITE;
                value = node.intValue() == 1;
            } else {
                throw new Mismatch("expected a boolean (true/false/0/1)");
            }
            if (flavour != null && flavour != seen) {
                throw new Mismatch("booleans spelt both as 0/1 and true/false");
            }
            flavour = seen;
            return value;
        }

        RowFlavour flavour() {
            return flavour;
        }
    }
}
