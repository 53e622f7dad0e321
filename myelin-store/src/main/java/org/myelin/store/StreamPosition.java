package org.myelin.store;

/**
 * The persisted position of one writer on one stream.
 *
 * @param stream the stream name
 * @param instance the writer instance name
 * @param token the last token the writer wrote
 */
public record StreamPosition(String stream, String instance, long token) {
    /** @throws IllegalArgumentException if a name is null or empty */
    public StreamPosition {
        Names.require("stream", stream);
        Names.require("instance", instance);
    }
}
