package org.myelin.protocol;

/**
 * {@code FEDERATION_ACK <instance_name> <token>}: the federation sender processed the federation
 * stream up to {@code token}.
 *
 * @param instanceName the writer of the federation stream being acknowledged
 * @param token the last token processed
 */
public record FederationAckCommand(String instanceName, long token) implements Command {
    /** @throws IllegalArgumentException if the name is empty or holds a space or line break */
    public FederationAckCommand {
        Fields.requireWord("instance_name", instanceName);
    }

    @Override
    public CommandType type() {
        return CommandType.FEDERATION_ACK;
    }
}
