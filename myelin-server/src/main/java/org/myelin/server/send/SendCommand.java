package org.myelin.server.send;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.myelin.protocol.Command;
import org.myelin.protocol.Framing;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.ServerCommand;
import org.myelin.server.cli.HostPort;
import org.myelin.server.cli.RawLink;
import picocli.CommandLine;

/** {@code myelin send}: sends raw lines as a client and prints what comes back. */
@CommandLine.Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send raw command lines as a client and print what comes back.",
            "",
            "Sends the given command lines exactly as written (valid or not) and prints every line "
                + "the server sends back until --wait seconds pass without one or the server closes. Checks"
                + " the server's SERVER name first. Nothing is added: send REPLICATE to get positions, PING"
                + " to arm the server's keepalive.",
            "",
            "Example:  myelin send --connect 127.0.0.1:9092 --server-name localhost 'NAME probe' REPLICATE"
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:sent, and the server answered as expected", "1:could not connect, or wrong server name"})
public final class SendCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--connect", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class, description = "Server to connect to. Default: ${DEFAULT-VALUE}.")
    HostPort connect;

    @CommandLine.Option(names = "--server-name", required = true, paramLabel = "NAME",
            description = "The name the server must announce in SERVER.")
    String serverName;

    @CommandLine.Option(names = "--wait", defaultValue = "1", paramLabel = "SECONDS",
            description = "Stop after this many seconds without a line from the server. Default: ${DEFAULT-VALUE}.")
    double waitSeconds;

    @CommandLine.Parameters(paramLabel = "COMMAND_LINE", arity = "1..*", description = "Lines to send, in order.")
    List<String> lines;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration wait = Duration.ofMillis(Math.max(1, (long) (waitSeconds * 1000)));
        try (RawLink link = RawLink.connect(connect, Duration.ofSeconds(10), Framing.MAX_CONFIGURABLE_LINE_BYTES)) {
            link.readTimeout(Duration.ofSeconds(10).plus(wait));
            byte[] first = link.readLine();
            if (first == null) {
                err.println("myelin send: " + connect + " closed without a word");
                return 1;
            }
            String firstLine = new String(first, StandardCharsets.UTF_8);
            out.println(firstLine);
            Command server = decodeOrNull(first);
            if (!(server instanceof ServerCommand s) || !s.data().equals(serverName)) {
                err.println("myelin send: expected 'SERVER " + serverName + "', got '" + firstLine + "'");
                return 1;
            }
            for (String line : lines) {
                link.writeLine(line);
            }
            link.readTimeout(wait);
            while (true) {
                byte[] line;
                try {
                    line = link.readLine();
                } catch (SocketTimeoutException e) {
                    break;
                } catch (ProtocolException e) {
                    err.println("myelin send: " + e.getMessage());
                    continue;
                }
                if (line == null) {
                    err.println("myelin send: server closed the connection");
                    break;
                }
                out.println(new String(line, StandardCharsets.UTF_8));
                out.flush();
            }
            return 0;
        } catch (IOException e) {
            err.println("myelin send: " + e.getMessage());
            return 1;
        } finally {
            out.flush();
        }
    }

    private static Command decodeOrNull(byte[] line) {
        try {
            return RawLink.decode(line);
        } catch (ProtocolException e) {
            return null;
        }
    }
}
