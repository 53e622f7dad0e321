package org.myelin.core.link;

import java.util.List;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandType;

/**
 * Commands encoded once for many links, in order: each command's line (latest dialect, ending in
 * {@code \n}) and all the lines joined in one array, so that a link that can take them all at once
 * writes them with one call, and one that cannot (congested, in catch-up mode, another dialect)
 * still handles them one by one. Immutable; never modify the arrays it hands out.
 */
public final class EncodedBurst {
    private final List<Command> commands;
    private final List<byte[]> lines;
    private final byte[] joined;
    private final int longestLine;
    /** How many commands of each type, by {@link CommandType#ordinal()}: counted once, not per link. */
    private final int[] countsByType = new int[CommandType.values().length];

    /**
     * @param commands the commands, in order
     * @param lines each command's encoded line, including its {@code \n}
     * @throws IllegalArgumentException if the lists differ in size, are empty, or a line does not end in {@code \n}
     */
    public EncodedBurst(List<? extends Command> commands, List<byte[]> lines) {
        if (commands.size() != lines.size() || commands.isEmpty()) {
            throw new IllegalArgumentException("a burst needs as many lines as commands, at least one");
        }
        this.commands = List.copyOf(commands);
        this.lines = List.copyOf(lines);
        int total = 0;
        int longest = 0;
        for (byte[] line : lines) {
            if (line.length == 0 || line[line.length - 1] != '\n') {
                throw new IllegalArgumentException("an encoded line must end in \\n");
            }
            total += line.length;
            longest = Math.max(longest, line.length - 1);
        }
        if (lines.size() == 1) {
            // a burst of one line (a quiet stream's every row) is its own join: no copy
            this.joined = lines.get(0);
        } else {
            byte[] all = new byte[total];
            int at = 0;
            for (byte[] line : lines) {
                System.arraycopy(line, 0, all, at, line.length);
                at += line.length;
            }
            this.joined = all;
        }
        this.longestLine = longest;
        for (Command command : this.commands) {
            countsByType[command.type().ordinal()]++;
        }
    }

    /** How many of the commands are of this type. */
    public int count(CommandType type) {
        return countsByType[type.ordinal()];
    }

    /** How many commands. */
    public int size() {
        return commands.size();
    }

    /** The i-th command. */
    public Command command(int i) {
        return commands.get(i);
    }

    /** The i-th command's line, with its {@code \n}. */
    public byte[] line(int i) {
        return lines.get(i);
    }

    /** Every line, in order, in one array (shared: do not modify). */
    public byte[] joined() {
        return joined;
    }

    /** The longest line's length without its {@code \n}. */
    public int longestLine() {
        return longestLine;
    }
}
