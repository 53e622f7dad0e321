package org.myelin.core.rows;

import java.util.List;

/** Argument checks of the row records: a typed row always encodes to a row Synapse would accept. */
final class Require {
    private Require() {}

    static <T> T present(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must not be null");
        }
        return value;
    }

    static List<String> texts(String field, List<String> values) {
        present(field, values);
        for (String v : values) {
            if (v == null) {
                throw new IllegalArgumentException(field + " must not hold null");
            }
        }
        return List.copyOf(values);
    }
}
