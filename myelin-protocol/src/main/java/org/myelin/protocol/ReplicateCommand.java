package org.myelin.protocol;

/** {@code REPLICATE}: "tell me the current position of every stream". Anything after the name is ignored. */
public record ReplicateCommand() implements Command {
    /** The one value there is. */
    public static final ReplicateCommand INSTANCE = new ReplicateCommand();

    @Override
    public CommandType type() {
        return CommandType.REPLICATE;
    }
}
