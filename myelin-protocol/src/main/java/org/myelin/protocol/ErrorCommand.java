package org.myelin.protocol;

/**
 * {@code ERROR <data>}: The sender hit an error; the data is the reason. The connection is usually closed after it.
 *
 * @param data the argument, without line breaks
 */
public record ErrorCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public ErrorCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.ERROR;
    }
}
