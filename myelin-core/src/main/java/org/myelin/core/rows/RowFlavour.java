package org.myelin.core.rows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;

/**
 * How a Synapse writer spells the booleans of its rows, which depends on its database: an
 * SQLite-backed Synapse sends the integers {@code 0}/{@code 1} it read from a column, a
 * PostgreSQL-backed one sends {@code false}/{@code true}. Booleans Synapse adds in Python (the
 * {@code deleted} of {@link PushersRow}) are {@code false}/{@code true} in both.
 */
public enum RowFlavour {
    /** Booleans as {@code 0}/{@code 1}, as an SQLite-backed Synapse writes them. */
    SQLITE,
    /** Booleans as {@code false}/{@code true}, as a PostgreSQL-backed Synapse writes them. */
    POSTGRES;

    /** The JSON this flavour writes for {@code value}. */
    JsonNode bool(boolean value) {
        return this == SQLITE ? IntNode.valueOf(value ? 1 : 0) : BooleanNode.valueOf(value);
    }
}
