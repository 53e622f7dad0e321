package org.myelin.core.rows;

/**
 * A row of the {@code events} stream: {@code [type, data]}, an {@link EventRow} ({@code ev}) or a
 * {@link StateRow} ({@code state}). Other types are kept as {@link RawRow}s.
 */
public sealed interface EventsRow extends SynapseRow permits EventRow, StateRow {
    /** The stream name. */
    String STREAM = "events";

    /** The row's type tag: {@code ev} or {@code state}. */
    String type();

    @Override
    default String stream() {
        return STREAM;
    }
}
