package org.myelin.server.decode;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.CommandJson;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Framing;
import org.myelin.protocol.Json;
import org.myelin.protocol.LineReader;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.capture.CaptureEntry;
import org.myelin.protocol.capture.CaptureFormat;
import picocli.CommandLine;

/** {@code myelin decode}: parses command lines and shows what they mean, or re-encodes them. */
@CommandLine.Command(
        name = "decode",
        mixinStandardHelpOptions = true,
        description = {
            "Parse replication command lines; print each described as JSON or re-encoded.",
            "",
            "Prints one JSON object per command (its wire name as 'command', then its fields), or "
                + "with --roundtrip the line re-encoded as Myelin sends it. Blank lines are skipped, as on "
                + "the wire. A line that does not parse is reported on stderr as 'line N: reason' and "
                + "decoding goes on; the exit status is then 1.",
            "",
            "Examples:",
            "  myelin decode --capture ../shared/vectors/synapse-1.66/tcp-session-sqlite.txt",
            "  printf 'POSITION events master 1 2\\n' | myelin decode --roundtrip"
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every line parsed", "1:at least one line did not parse", "2:bad usage or unreadable input"})
public final class DecodeCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--roundtrip", description = "Print each command re-encoded instead of described.")
    boolean roundtrip;

    @CommandLine.Option(names = "--capture", description = {
        "Read the capture format of the reference vectors: timestamp, '<'/'>' or a label, then the line.",
        "Annotation lines are skipped; JSON output gains the keys t, label and dir."})
    boolean capture;

    @CommandLine.Option(names = "--dialect", defaultValue = "latest", paramLabel = "1.66|latest",
            converter = DialectConverter.class,
            description = "Dialect used to re-encode (USER_SYNC with or without device id). Default: ${DEFAULT-VALUE}.")
    Dialect dialect;

    @CommandLine.Option(names = "--max-line-bytes", defaultValue = "16384", paramLabel = "BYTES",
            description = "Longest line accepted, as on a link. Default: ${DEFAULT-VALUE}.")
    int maxLineBytes;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "FILE|-", defaultValue = "-",
            description = "Where to read lines from; '-' (the default) reads standard input.")
    String input;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private int failures;
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        try {
            Framing.checkMaxLineBytes(maxLineBytes);
        } catch (IllegalArgumentException e) {
            err.println("myelin decode: " + e.getMessage());
            return 2;
        }
        boolean stdin = "-".equals(input);
        try (InputStream in = stdin ? System.in : Files.newInputStream(Path.of(input))) {
            if (capture) {
                decodeCapture(in, stdin);
            } else {
                decodeLines(in, stdin);
            }
        } catch (NoSuchFileException e) {
            err.println("myelin decode: no such file: " + input);
            return 2;
        } catch (IOException e) {
            err.println("myelin decode: cannot read " + input + ": " + e.getMessage());
            return 2;
        } finally {
            out.flush();
        }
        return failures == 0 ? 0 : 1;
    }

    private void decodeLines(InputStream in, boolean live) throws IOException {
        LineReader reader = new LineReader(in, maxLineBytes);
        int lineNumber = 0;
        while (true) {
            byte[] line;
            lineNumber++;
            try {
                line = reader.next();
            } catch (ProtocolException e) {
                fail(lineNumber, e.reason());
                continue;
            }
            if (line == null) {
                return;
            }
            decode(lineNumber, line, null, live);
        }
    }

    private void decodeCapture(InputStream in, boolean live) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int lineNumber = 0;
        for (String fileLine; (fileLine = reader.readLine()) != null; ) {
            lineNumber++;
            for (CaptureEntry entry : CaptureFormat.read(fileLine, lineNumber)) {
                if (entry.line().length > maxLineBytes) {
                    fail(lineNumber, Framing.LINE_TOO_LONG);
                } else {
                    decode(lineNumber, entry.line(), entry, live);
                }
            }
        }
    }

    private void decode(int lineNumber, byte[] line, CaptureEntry entry, boolean live) {
        String printed;
        try {
            Command command = Framing.decodeLine(line, 0, line.length);
            if (command == null) {
                return;
            }
            printed = roundtrip ? CommandCodec.encode(command, dialect) : describe(lineNumber, command, entry);
        } catch (ProtocolException | IllegalArgumentException e) {
            fail(lineNumber, e.getMessage());
            return;
        }
        out.println(printed);
        if (live) {
            out.flush();
        }
    }

    private static String describe(int lineNumber, Command command, CaptureEntry entry) {
        ObjectNode json = Json.mapper().createObjectNode().put("line", lineNumber);
        if (entry != null) {
            json.put("t", entry.timestamp()).put("label", entry.label()).put("dir", entry.direction().marker());
        }
        json.setAll(CommandJson.describe(command));
        return Json.write(json);
    }

    private void fail(int lineNumber, String reason) {
        failures++;
        out.flush();
        err.println("line " + lineNumber + ": " + reason);
    }
}
