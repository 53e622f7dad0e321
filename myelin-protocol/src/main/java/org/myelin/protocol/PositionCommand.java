package org.myelin.protocol;

/**
 * {@code POSITION <stream> <instance> <prev_token> <new_token>}: writer {@code instance} promises it
 * wrote no rows of {@code stream} in {@code (prevToken, newToken]} other than those already sent.
 *
 * @param stream the stream name
 * @param instance the writer whose position this is
 * @param prevToken the last position that writer announced before
 * @param newToken its position now
 */
public record PositionCommand(String stream, String instance, long prevToken, long newToken) implements Command {
    /** @throws IllegalArgumentException if a name is empty or holds a space or line break */
    public PositionCommand {
        Fields.requireWord("stream", stream);
        Fields.requireWord("instance", instance);
    }

    @Override
    public CommandType type() {
        return CommandType.POSITION;
    }
}
