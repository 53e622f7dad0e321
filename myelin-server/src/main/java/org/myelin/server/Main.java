package org.myelin.server;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.myelin.bench.load.BenchCommand;
import org.myelin.server.config.ConfigCommand;
import org.myelin.server.config.ConfigStrategy;
import org.myelin.server.decode.DecodeCommand;
import org.myelin.server.main.MainCommand;
import org.myelin.server.send.SendCommand;
import org.myelin.server.tap.TapCommand;
import org.myelin.server.torture.TortureCommand;
import org.myelin.server.worker.WorkerCommand;
import org.myelin.server.write.WriteCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code myelin} program: one subcommand per job. */
@Command(
        name = "myelin",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Synapse worker replication on the JVM: wire-compatible with Synapse's replication protocol.",
            "",
            "Run 'myelin COMMAND --help' for the options of a command."
        },
        commandListHeading = "%nCommands:%n",
        subcommands = {
            MainCommand.class,
            WorkerCommand.class,
            WriteCommand.class,
            TapCommand.class,
            SendCommand.class,
            DecodeCommand.class,
            BenchCommand.class,
            TortureCommand.class,
            org.myelin.server.status.StatusCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    /** Runs the program and exits with its status (0 ok, 1 failed, 2 bad usage). */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the program without exiting; for tests and embedding. */
    public static int run(String... args) {
        CommandLine commandLine = commandLine();
        try {
            return commandLine.execute(args);
        } finally {
            commandLine.getOut().flush();
            commandLine.getErr().flush();
        }
    }

    /**
     * The command line, writing UTF-8 to stdout/stderr without autoflush (each command flushes when
     * it is done, or per line when it follows a live stream); tests replace the writers.
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                // main and worker read their --config file before running (its values as defaults)
                .setExecutionStrategy(new ConfigStrategy())
                // straight to the file descriptor: System.out (a PrintStream) would hide write errors,
                // and a worker must notice its output failing (a closed pipe) to stop, not lose rows
                .setOut(new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                        StandardCharsets.UTF_8), false))
                .setErr(new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    }

    @Override
    public void run() {
        // 'myelin' alone: picocli prints the usage with this message and exits with status 2
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
    }

    /** Reads the version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"myelin " + (v == null ? "(development build)" : v)};
        }
    }
}
