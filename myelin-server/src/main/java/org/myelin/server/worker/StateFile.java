package org.myelin.server.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.myelin.protocol.Json;

/**
 * A worker's own resume positions on disk ({@code myelin worker --state FILE}): a JSON object
 * {@code {"version":1,"positions":{"events":{"master":12},...}}}, the last token printed per
 * (stream, writer instance).
 *
 * <p>Saved atomically: written to {@code FILE.tmp} beside it, forced to disk, renamed over the file,
 * and the directory forced, so a crash leaves either the old or the new file, never a torn one.
 */
final class StateFile {
    static final int VERSION = 1;
    private static final int MAX_BYTES = 16 << 20;

    private final Path file;
    private final Path temp;

    StateFile(Path file) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
    }

    Path path() {
        return file;
    }

    /**
     * The saved positions; empty when the file does not exist yet (a first start).
     *
     * @throws StateFileException if it exists but cannot be read or is not a state file
     */
    Map<String, Map<String, Long>> load() {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new StateFileException("state file " + file + " is larger than " + MAX_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new StateFileException("cannot read state file " + file + ": " + e);
        }
        try {
            JsonNode json = Json.parse(new String(bytes, StandardCharsets.UTF_8));
            if (!json.isObject() || json.path("version").asInt(-1) != VERSION || !json.path("positions").isObject()) {
                throw new StateFileException("state file " + file + " is not a myelin worker state file (version "
                        + VERSION + ")");
            }
            Map<String, Map<String, Long>> positions = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> streams = json.get("positions").fields(); streams.hasNext(); ) {
                Map.Entry<String, JsonNode> stream = streams.next();
                if (!stream.getValue().isObject()) {
                    throw new StateFileException("state file " + file + ": positions of " + stream.getKey()
                            + " are not an object");
                }
                Map<String, Long> perInstance = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = stream.getValue().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> instance = it.next();
                    JsonNode token = instance.getValue();
                    if (!token.isIntegralNumber() || !token.canConvertToLong() || token.longValue() < 0) {
                        throw new StateFileException("state file " + file + ": token of " + stream.getKey() + "/"
                                + instance.getKey() + " is not a non-negative integer: " + token);
                    }
                    perInstance.put(instance.getKey(), token.longValue());
                }
                positions.put(stream.getKey(), perInstance);
            }
            return positions;
        } catch (StateFileException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StateFileException("state file " + file + " is corrupt: " + e.getMessage());
        }
    }

    /** Replaces the file with these positions, atomically and durably. */
    void save(Map<String, Map<String, Long>> positions) throws IOException {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("version", VERSION);
        ObjectNode streams = json.putObject("positions");
        new TreeMap<>(positions).forEach((stream, perInstance) -> {
            ObjectNode node = streams.putObject(stream);
            new TreeMap<>(perInstance).forEach(node::put);
        });
        byte[] bytes = (Json.write(json) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + temp + " over " + file + " atomically", e);
        }
        forceDirectory();
    }

    /** Makes the rename durable; some platforms cannot open a directory, which is then best effort. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the file's content is on disk; only the rename's durability is left to the OS
        }
    }

    /** A state file that exists but cannot be used. */
    static final class StateFileException extends RuntimeException {
        StateFileException(String message) {
            super(message);
        }
    }
}
