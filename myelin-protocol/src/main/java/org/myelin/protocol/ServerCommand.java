package org.myelin.protocol;

/**
 * {@code SERVER <data>}: First line from a server: its server name, which a client checks against the one it expects.
 *
 * @param data the argument, without line breaks
 */
public record ServerCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public ServerCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.SERVER;
    }
}
