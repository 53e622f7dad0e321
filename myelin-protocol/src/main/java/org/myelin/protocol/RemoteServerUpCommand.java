package org.myelin.protocol;

/**
 * {@code REMOTE_SERVER_UP <data>}: A remote homeserver came back: every process resets its retry timers for it.
 *
 * @param data the argument, without line breaks
 */
public record RemoteServerUpCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public RemoteServerUpCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.REMOTE_SERVER_UP;
    }
}
