package org.myelin.protocol;

/**
 * {@code RDATA <stream> <instance> <token>|batch <row_json>}: one row of a stream written by
 * {@code instance}.
 *
 * <p>Rows sharing a token travel as consecutive commands, all but the last with the token
 * {@code batch} (here: {@code token == null}). The row stays raw JSON until read.
 *
 * @param stream the stream name, such as {@code events}
 * @param instance the writer that wrote the row, such as {@code master}
 * @param token the row's stream token, or {@code null} for {@code batch}
 * @param row the row, a JSON array whose fields depend on the stream
 */
public record RdataCommand(String stream, String instance, Long token, RawJson row) implements Command {
    /** @throws IllegalArgumentException if a name is empty or holds a space or line break, or row is null */
    public RdataCommand {
        Fields.requireWord("stream", stream);
        Fields.requireWord("instance", instance);
        if (row == null) {
            throw new IllegalArgumentException("row must not be null");
        }
    }

    /** A row with its own token. */
    public static RdataCommand of(String stream, String instance, long token, RawJson row) {
        return new RdataCommand(stream, instance, token, row);
    }

    /** A row that shares the token of the next numbered row of the same stream. */
    public static RdataCommand batch(String stream, String instance, RawJson row) {
        return new RdataCommand(stream, instance, null, row);
    }

    /** Whether this row waits for the next numbered row ({@code batch} on the wire). */
    public boolean isBatch() {
        return token == null;
    }

    @Override
    public CommandType type() {
        return CommandType.RDATA;
    }
}
