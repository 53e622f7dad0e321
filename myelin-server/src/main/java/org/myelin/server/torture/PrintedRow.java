package org.myelin.server.torture;

import com.fasterxml.jackson.databind.JsonNode;
import org.myelin.protocol.Json;

/**
 * One row a worker printed.
 *
 * @param stream the stream it was printed as
 * @param token its token
 * @param seq the harness's sequence number in it, or -1 when the row is not one the harness wrote
 *     (corrupted, or of another stream or instance)
 */
record PrintedRow(String stream, long token, long seq) {
    /**
     * Parses one line of {@code myelin worker}'s output.
     *
     * @throws IllegalArgumentException when the line is not a row line
     */
    static PrintedRow parse(String line) {
        JsonNode node;
        try {
            node = Json.parse(line);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not JSON: " + abbreviate(line), e);
        }
        JsonNode token = node.get("token");
        if (token == null || !token.canConvertToLong()) {
            throw new IllegalArgumentException("no token: " + abbreviate(line));
        }
        String stream = node.path("stream").asText();
        boolean ours = TortureRows.STREAMS.contains(stream) && TortureRows.INSTANCE.equals(node.path("instance").asText());
        return new PrintedRow(stream, token.asLong(), ours ? TortureRows.seqOf(node.get("row")) : -1);
    }

    private static String abbreviate(String line) {
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
