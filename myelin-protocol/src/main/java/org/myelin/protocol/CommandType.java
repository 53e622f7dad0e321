package org.myelin.protocol;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every command of the protocol, with its wire name and which side of a TCP link may send it.
 *
 * <p>The direction table is the reference's ({@code VALID_SERVER_COMMANDS} and
 * {@code VALID_CLIENT_COMMANDS}); a transport answers a command received from the wrong side with
 * {@code ERROR invalid command: <NAME>}. Over Redis every process may send every command.
 */
public enum CommandType {
    // Ordered by how often they appear on a busy link: lookup scans in this order.
    RDATA(Side.SERVER),
    POSITION(Side.SERVER),
    PING(Side.SERVER, Side.CLIENT),
    USER_SYNC(Side.CLIENT),
    USER_IP(Side.CLIENT),
    FEDERATION_ACK(Side.CLIENT),
    REMOTE_SERVER_UP(Side.SERVER, Side.CLIENT),
    CLEAR_USER_SYNC(Side.CLIENT),
    LOCK_RELEASED(Side.SERVER, Side.CLIENT),
    NEW_ACTIVE_TASK(),
    REPLICATE(Side.CLIENT),
    SERVER(Side.SERVER),
    NAME(Side.CLIENT),
    ERROR(Side.SERVER, Side.CLIENT);

    private static final CommandType[] ALL = values();

    private final Set<Side> senders;
    private final String wireName;

    CommandType(Side... senders) {
        this.senders = senders.length == 0 ? EnumSet.noneOf(Side.class) : EnumSet.of(senders[0], senders);
        this.wireName = name();
    }

    /** The name on the wire (the enum constant's name; case-sensitive upper case). */
    public String wireName() {
        return wireName;
    }

    /**
     * Whether {@code side} may send this command on a direct TCP link.
     * {@link #NEW_ACTIVE_TASK} is Redis-only: no TCP side may send it.
     */
    public boolean mayBeSentBy(Side side) {
        return senders.contains(side);
    }

    /**
     * The command whose wire name is {@code line[0, length)}, or {@code null}.
     * Compares in place so that the hot path allocates nothing.
     */
    static CommandType lookup(String line, int length) {
        for (CommandType type : ALL) {
            String wire = type.wireName;
            if (wire.length() == length && line.startsWith(wire)) {
                return type;
            }
        }
        return null;
    }
}
