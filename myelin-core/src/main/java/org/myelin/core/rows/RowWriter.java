package org.myelin.core.rows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;

/** Builds one row's JSON array field by field. */
final class RowWriter {
    private final ArrayNode array = Json.mapper().createArrayNode();

    RowWriter text(String value) {
        if (value == null) {
            array.addNull();
        } else {
            array.add(value);
        }
        return this;
    }

    RowWriter number(long value) {
        array.add(value);
        return this;
    }

    RowWriter bool(boolean value, RowFlavour flavour) {
        array.add(flavour.bool(value));
        return this;
    }

    /** A list of strings (nulls allowed), or JSON {@code null} for a null list. */
    RowWriter texts(List<String> values) {
        if (values == null) {
            array.addNull();
            return this;
        }
        ArrayNode inner = array.addArray();
        for (String value : values) {
            if (value == null) {
                inner.addNull();
            } else {
                inner.add(value);
            }
        }
        return this;
    }

    RowWriter raw(RawJson value) {
        array.add(value.tree());
        return this;
    }

    RowWriter node(JsonNode value) {
        array.add(value);
        return this;
    }

    ArrayNode tree() {
        return array;
    }

    RawJson toJson() {
        return RawJson.fromTree(array);
    }
}
