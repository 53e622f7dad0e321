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
        ParseResult sub = parsed.subcommand();
        if (sub == null || sub.isUsageHelpRequested() || sub.isVersionHelpRequested()
                || sub.commandSpec().findOption(OPTION) == null) {
            return new CommandLine.RunLast().execute(parsed);
        }
        Path file = sub.commandSpec().findOption(OPTION).getValue();
        if (file == null) {
            return new CommandLine.RunLast().execute(parsed);
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
            return 2;
        }
        Set<String> given = new HashSet<>();
        for (OptionSpec o : sub.matchedOptions()) {
            given.add(o.longestName());
        }
        sub.commandSpec().commandLine().setDefaultValueProvider(new ConfigDefaults(file, config,
                ConfigFlags.of(command, config), given, ConfigFlags.GROUPS.getOrDefault(command, List.of())));
        CommandLine top = parsed.commandSpec().commandLine();
        String[] args = parsed.originalArgs().toArray(new String[0]);
        ParseResult again;
        try {
            again = top.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            try {
                return top.getParameterExceptionHandler().handleParseException(e, args);
            } catch (Exception inner) {
                err.println("myelin " + command + ": " + e.getMessage());
                return 2;
            }
        }
        return new CommandLine.RunLast().execute(again);
    }
}
