package org.myelin.server.config;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.myelin.node.config.ConfigException;
import org.myelin.node.config.MyelinConfig;
import picocli.CommandLine;

/** {@code myelin config}: check a configuration file, or print a commented example. */
@CommandLine.Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = {
            "Check a configuration file, or print an example.",
            "",
            "main and worker read one YAML file (--config FILE or MYELIN_CONFIG) in Synapse's keys, with a "
                + "myelin: section for the rest; a flag on the command line wins over the file."
        },
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Example.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command: check or example");
    }

    /** {@code myelin config check FILE}. */
    @CommandLine.Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Check FILE: print OK and the settings in effect (passwords hidden), or every problem "
                    + "found, each with its key's path (status 1)."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "FILE", description = "The configuration file.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            MyelinConfig config;
            try {
                config = MyelinConfig.load(file);
            } catch (ConfigException e) {
                err.println(file + ": " + e.errors().size() + (e.errors().size() == 1 ? " problem:" : " problems:"));
                e.errors().forEach(problem -> err.println("  " + problem));
                return 1;
            }
            out.println("OK: " + file);
            if (!config.ignoredKeys().isEmpty()) {
                out.println("# Synapse keys ignored: " + String.join(", ", config.ignoredKeys()));
            }
            for (String command : new String[] {"main", "worker"}) {
                Map<String, String> flags = ConfigFlags.of(command, config);
                StringBuilder line = new StringBuilder("# myelin ").append(command).append(" --config ").append(file)
                        .append(" runs as: myelin ").append(command);
                flags.forEach((k, v) -> line.append(' ').append(k).append(' ').append(
                        k.equals("--replication-secret") ? "(hidden)" : redact(v)));
                out.println(line);
            }
            out.print(config.summary());
            out.flush();
            return 0;
        }

        private static String redact(String value) {
            return value.replaceAll("password=[^&]*", "password=(hidden)").replaceAll("//:[^@]*@", "//:(hidden)@");
        }
    }

    /** {@code myelin config example}. */
    @CommandLine.Command(name = "example", mixinStandardHelpOptions = true,
            description = {"Print a commented configuration that works as it is: "
                    + "myelin config example > myelin.yaml && myelin main --config myelin.yaml"})
    static final class Example implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(MyelinConfig.example());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
