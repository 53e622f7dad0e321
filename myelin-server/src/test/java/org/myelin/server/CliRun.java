package org.myelin.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the {@code myelin} program in-process, with what it printed.
 *
 * @param status the exit status
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
public record CliRun(int status, String out, String err) {

    /** Runs {@code myelin ARGS...} and captures its output. */
    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int status = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        return new CliRun(status, out.toString(), err.toString());
    }

    /** Standard output, line by line. */
    public List<String> lines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    /** The reference captures, {@code ../shared/vectors/synapse-1.66} beside the project. */
    public static Path vectors() {
        String override = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("vectors/synapse-1.66");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("cannot find ../shared/vectors/synapse-1.66 above "
                + Path.of("").toAbsolutePath());
    }
}
