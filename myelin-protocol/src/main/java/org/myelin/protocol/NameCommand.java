package org.myelin.protocol;

/**
 * {@code NAME <data>}: A client's human name, for logs and metrics; may contain spaces.
 *
 * @param data the argument, without line breaks
 */
public record NameCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public NameCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.NAME;
    }
}
