package org.myelin.server.torture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the complete lines a worker process appended to its output file since the last call, and
 * remembers the last token printed per stream. A line without its newline (the process was killed
 * while writing it) is not a line yet, and never becomes one if the process is gone.
 */
final class OutputTail {
    private final Path file;
    private final Map<String, Long> lastTokens = new HashMap<>();
    private long offset;
    private long rows;

    OutputTail(Path file) {
        this.file = file;
    }

    /** Reads new complete lines, handing each parsed row to {@code sink}. */
    synchronized void poll(Consumer<PrintedRow> sink) {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= offset) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 4 * 1024 * 1024)];
            in.seek(offset);
            in.readFully(bytes);
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    if (!line.isBlank()) {
                        accept(PrintedRow.parse(line), sink);
                    }
                }
            }
            offset += start;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Reads all that is there now, line by line (also past 4 MiB). */
    synchronized void drain(Consumer<PrintedRow> sink) {
        long before;
        do {
            before = offset;
            poll(sink);
        } while (offset != before);
    }

    private void accept(PrintedRow row, Consumer<PrintedRow> sink) {
        lastTokens.merge(row.stream(), row.token(), Math::max);
        rows++;
        sink.accept(row);
    }

    /** The largest token of {@code stream} in the complete lines read, or -1 when none was. */
    synchronized long lastToken(String stream) {
        return lastTokens.getOrDefault(stream, -1L);
    }

    /** Complete rows read so far. */
    synchronized long rows() {
        return rows;
    }
}
