package org.myelin.server.torture;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@code myelin} subcommands as separate JVMs with the same java binary and class path as
 * this process, and signals them. Signals go through {@code kill}, so this works where a POSIX
 * {@code kill} command exists (Linux, macOS).
 */
final class ChildJvm {
    private static final String MAIN_CLASS = "org.myelin.server.Main";

    private ChildJvm() {
    }

    /** The java binary running this process. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts {@code myelin ARGS...}: stdout goes to {@code out} (replaced), stderr is appended to
     * {@code log}.
     */
    static Process start(List<String> jvmOptions, List<String> args, Path out, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // children log at INFO unless told otherwise: their logs are the evidence when a run fails
        builder.environment().putIfAbsent("MYELIN_LOG_LEVEL", "INFO");
        return builder.start();
    }

    /** Sends {@code signal} (e.g. {@code STOP}, {@code CONT}) to {@code process}. */
    static void signal(Process process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new TortureFailure("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new TortureFailure("cannot run kill -" + signal + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TortureFailure("interrupted while signalling " + process.pid(), e);
        }
    }

    /**
     * Stops a process: SIGTERM and a wait of {@code graceSeconds}, or SIGKILL right away when
     * {@code forcibly}; SIGKILL anyway when it outlives the grace.
     *
     * @return whether it ended without SIGKILL (it had exited, or exited within the grace)
     */
    static boolean stop(Process process, boolean forcibly, long graceSeconds) {
        if (process == null || !process.isAlive()) {
            return true;
        }
        try {
            if (!forcibly) {
                process.destroy();
                if (process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                    return true;
                }
            }
            process.destroyForcibly();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new TortureFailure("process " + process.pid() + " survives SIGKILL");
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }
}
