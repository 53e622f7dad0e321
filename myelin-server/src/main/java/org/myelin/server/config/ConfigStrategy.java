package org.myelin.server.config;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.myelin.node.config.ConfigException;
import org.myelin.node.config.MyelinConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs a command after reading its {@code --config} file (or {@code MYELIN_CONFIG}): the file is read
 * once the command line is parsed (picocli applies defaults before it sees {@code --config}), then the
 * command line is parsed again with the file's values as defaults. A file with problems stops the
 * start: each problem on a line with its key's path, status 2, no stack trace.
 */
public final class ConfigStrategy implements CommandLine.IExecutionStrategy {
    /** The option every command taking a configuration file has. */
    public static final String OPTION = "--config";

    @Override
    public int execute(ParseResult parsed) {
        CommandLine top = parsed.commandSpec().commandLine();
        String[] args = parsed.originalArgs().toArray(new String[0]);
        ParseResult merged;
        try {
            merged = merge(parsed);
        } catch (CommandLine.ParameterException e) {
            try {
                return top.getParameterExceptionHandler().handleParseException(e, args);
            } catch (Exception inner) {
                top.getErr().println(e.getMessage());
                return 2;
            }
        }
        return merged == null ? 2 : new CommandLine.RunLast().execute(merged);
    }

    /**
     * The command line parsed again with its {@code --config} file's values as the defaults of the
     * options it does not give; {@code parsed} itself when there is no file; null when the file has
     * problems (printed on the command's standard error, one a line).
     *
     * @throws CommandLine.ParameterException if a value from the file is refused by its option
     */
    public static ParseResult merge(ParseResult parsed) {
        ParseResult sub = parsed.subcommand();
        if (sub == null || sub.isUsageHelpRequested() || sub.isVersionHelpRequested()
                || sub.commandSpec().findOption(OPTION) == null) {
            return parsed;
        }
        Path file = sub.commandSpec().findOption(OPTION).getValue();
        if (file == null) {
            return parsed;
        }
        String command = sub.commandSpec().name();
        PrintWriter err = parsed.commandSpec().commandLine().getErr();
        MyelinConfig config;
        try {
            config = MyelinConfig.load(file);
        } catch (ConfigException e) {
            for (String problem : e.errors()) {
                err.println("myelin " + command + ": config " + file + ": " + problem);
            }
            err.flush();
            return null;
        }
        Set<String> given = new HashSet<>();
        for (OptionSpec o : sub.matchedOptions()) {
            given.add(o.longestName());
        }
        sub.commandSpec().commandLine().setDefaultValueProvider(new ConfigDefaults(file, config,
                ConfigFlags.of(command, config), given, ConfigFlags.GROUPS.getOrDefault(command, List.of())));
        return parsed.commandSpec().commandLine().parseArgs(parsed.originalArgs().toArray(new String[0]));
    }
}
