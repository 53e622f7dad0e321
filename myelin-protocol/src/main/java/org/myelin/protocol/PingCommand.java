package org.myelin.protocol;

/**
 * {@code PING <data>}: Keepalive; the data is arbitrary, usually the sender's clock in epoch milliseconds.
 *
 * @param data the argument, without line breaks
 */
public record PingCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public PingCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.PING;
    }
}
