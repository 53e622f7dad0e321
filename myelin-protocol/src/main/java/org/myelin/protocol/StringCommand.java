package org.myelin.protocol;

/**
 * The shape shared by the commands whose argument is one opaque string: {@code SERVER},
 * {@code NAME}, {@code PING}, {@code ERROR}, {@code REMOTE_SERVER_UP}, {@code NEW_ACTIVE_TASK}.
 */
public sealed interface StringCommand extends Command
        permits ServerCommand, NameCommand, PingCommand, ErrorCommand, RemoteServerUpCommand,
                NewActiveTaskCommand {

    /** The argument: everything after the first space (may be empty, may contain spaces). */
    String data();

    /**
     * Makes the string command of that type.
     *
     * @throws IllegalArgumentException if {@code type} is not a string command or {@code data}
     *     holds a line break
     */
    static StringCommand of(CommandType type, String data) {
        return switch (type) {
            case SERVER -> new ServerCommand(data);
            case NAME -> new NameCommand(data);
            case PING -> new PingCommand(data);
            case ERROR -> new ErrorCommand(data);
            case REMOTE_SERVER_UP -> new RemoteServerUpCommand(data);
            case NEW_ACTIVE_TASK -> new NewActiveTaskCommand(data);
            default -> throw new IllegalArgumentException(type + " is not a one-string command");
        };
    }
}
