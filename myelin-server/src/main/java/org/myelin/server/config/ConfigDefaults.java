package org.myelin.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.myelin.node.config.MyelinConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Feeds a configuration file's values to picocli as the defaults of the options not given on the
 * command line: flags override the file, and the file overrides the built-in defaults. An option
 * whose built-in default is an environment variable that is set ({@code MYELIN_REPLICATION_SECRET})
 * keeps it: the environment, like a flag, is more specific than the shared file.
 *
 * @param file the file read
 * @param config what it holds, for the settings that have no option ({@code myelin:})
 * @param values each option's value from the file ({@link ConfigFlags})
 * @param given the options given on the command line
 * @param groups options that choose one thing together ({@link ConfigFlags#GROUPS})
 */
public record ConfigDefaults(Path file, MyelinConfig config, Map<String, String> values, Set<String> given,
        List<Set<String>> groups) implements CommandLine.IDefaultValueProvider {
    private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Za-z_0-9]+)}");

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName();
        String value = values.get(name);
        if (value == null) {
            return null;
        }
        for (Set<String> group : groups) {
            if (group.contains(name) && group.stream().anyMatch(given::contains)) {
                return null;
            }
        }
        String builtIn = option.defaultValue();
        if (builtIn != null) {
            Matcher env = ENV_DEFAULT.matcher(builtIn);
            if (env.matches() && System.getenv(env.group(1)) != null && !System.getenv(env.group(1)).isEmpty()) {
                return null;
            }
        }
        return value;
    }

    /** The configuration a command was started with, or {@link MyelinConfig#empty()} without a file. */
    public static MyelinConfig of(CommandSpec spec) {
        return spec.defaultValueProvider() instanceof ConfigDefaults d ? d.config() : MyelinConfig.empty();
    }
}
