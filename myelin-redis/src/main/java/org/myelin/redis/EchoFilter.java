package org.myelin.redis;

import java.nio.charset.StandardCharsets;

/**
 * Recognises, without decoding it, an {@code RDATA} or {@code POSITION} message published by one
 * given instance: {@code RDATA <stream> <instance> ...} or {@code POSITION <stream> <instance> ...}.
 *
 * <p>Why: every process subscribed to the channel hears its own PUBLISHes back, so a writer receives
 * each row it streams a second time. The engine drops those echoes anyway, but only after the whole
 * line was decoded to a string and parsed; on the writer that doubled the per-row decoding work.
 * Matching the first three words as bytes skips all of it. Anything that does not match exactly
 * (other commands, other instances, odd spacing) goes through the normal parse.
 */
final class EchoFilter {
    private static final byte[] RDATA = "RDATA ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POSITION = "POSITION ".getBytes(StandardCharsets.US_ASCII);

    private final byte[] instance;

    /** @param instance the instance whose stream commands to recognise; not empty */
    EchoFilter(String instance) {
        if (instance.isEmpty()) {
            throw new IllegalArgumentException("instance name must not be empty");
        }
        this.instance = instance.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether {@code message} is an RDATA or POSITION of this filter's instance. */
    boolean matches(byte[] message) {
        return matches(java.nio.ByteBuffer.wrap(message));
    }

    /**
     * The same for the remaining bytes of {@code message} (its position is left alone), so a message
     * can be recognised before it is copied out of Lettuce's buffer.
     */
    boolean matches(java.nio.ByteBuffer message) {
        int base = message.position();
        int length = message.remaining();
        int at;
        if (startsWith(message, base, length, 0, RDATA)) {
            at = RDATA.length;
        } else if (startsWith(message, base, length, 0, POSITION)) {
            at = POSITION.length;
        } else {
            return false;
        }
        int streamEnd = -1;
        for (int i = at; i < length; i++) {
            if (message.get(base + i) == ' ') {
                streamEnd = i;
                break;
            }
        }
        if (streamEnd <= at) {
            return false; // no stream word
        }
        int start = streamEnd + 1;
        return startsWith(message, base, length, start, instance)
                && start + instance.length < length
                && message.get(base + start + instance.length) == ' ';
    }

    private static boolean startsWith(java.nio.ByteBuffer message, int base, int length, int from, byte[] prefix) {
        if (length - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (message.get(base + from + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
