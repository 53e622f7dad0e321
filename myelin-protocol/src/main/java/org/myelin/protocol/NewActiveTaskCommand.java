package org.myelin.protocol;

/**
 * {@code NEW_ACTIVE_TASK <data>}: A background task (the data is its id) is ready to run. Redis only; newer dialect only.
 *
 * @param data the argument, without line breaks
 */
public record NewActiveTaskCommand(String data) implements StringCommand {
    /** @throws IllegalArgumentException if {@code data} is null or holds a line break */
    public NewActiveTaskCommand {
        Fields.requireText("data", data);
    }

    @Override
    public CommandType type() {
        return CommandType.NEW_ACTIVE_TASK;
    }
}
