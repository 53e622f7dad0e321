package org.myelin.redis;

import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.ToByteBufEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Channel names as strings, messages as bytes, with as little copying as Lettuce allows: the bus's own
 * channels are encoded from bytes computed once and decoded to the same {@code String} instances, and
 * both channels and messages are written straight into Netty's buffer ({@link ToByteBufEncoder}) instead
 * of through an intermediate {@link ByteBuffer} per command.
 *
 * <p>Why: a PUBLISH or a received message is a few hundred bytes, so per-message allocations and
 * copies of the channel name were a visible part of the cost at tens of thousands of messages a second.
 */
final class BusCodec implements RedisCodec<String, byte[]>, ToByteBufEncoder<String, byte[]> {
    private static final byte[] EMPTY = new byte[0];
    /**
     * What {@link #decodeValue} returns for a message its echo filter recognises (this process's own
     * RDATA or POSITION heard back): compared by identity, never parsed, never copied.
     */
    static final byte[] ECHO = new byte[0];

    private final String[] names;
    private final byte[][] bytes;
    private final EchoFilter echoes;

    /**
     * @param channels the channels this process publishes to and hears most: encoded and decoded without copies
     * @param echoes recognises the messages to decode as {@link #ECHO}; null for none
     */
    BusCodec(List<String> channels, EchoFilter echoes) {
        this.echoes = echoes;
        this.names = channels.toArray(String[]::new);
        this.bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    private byte[] known(String channel) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] == channel || names[i].equals(channel)) {
                return bytes[i];
            }
        }
        return null;
    }

    @Override
    public String decodeKey(ByteBuffer buffer) {
        int length = buffer.remaining();
        int at = buffer.position();
        outer:
        for (int i = 0; i < bytes.length; i++) {
            byte[] candidate = bytes[i];
            if (candidate.length != length) {
                continue;
            }
            for (int j = 0; j < length; j++) {
                if (buffer.get(at + j) != candidate[j]) {
                    continue outer;
                }
            }
            return names[i];
        }
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }

    @Override
    public byte[] decodeValue(ByteBuffer buffer) {
        if (!buffer.hasRemaining()) {
            return EMPTY;
        }
        if (echoes != null && echoes.matches(buffer)) {
            return ECHO;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    @Override
    public ByteBuffer encodeKey(String channel) {
        byte[] b = known(channel);
        return ByteBuffer.wrap(b != null ? b : channel.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public ByteBuffer encodeValue(byte[] value) {
        return value == null ? ByteBuffer.wrap(EMPTY) : ByteBuffer.wrap(value, 0, lineLength(value));
    }

    /**
     * A value's length on the bus: a line as the streamer encoded it for every transport ends in
     * {@code \n}, which a bus message does not carry. Cut here rather than copied off per PUBLISH
     * (a line never holds a {@code \n} of its own, so only the last byte can be one).
     */
    static int lineLength(byte[] value) {
        int n = value.length;
        return n > 0 && value[n - 1] == '\n' ? n - 1 : n;
    }

    @Override
    public void encodeKey(String channel, ByteBuf target) {
        byte[] b = known(channel);
        if (b != null) {
            target.writeBytes(b);
        } else {
            target.writeCharSequence(channel, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void encodeValue(byte[] value, ByteBuf target) {
        if (value != null) {
            target.writeBytes(value, 0, lineLength(value));
        }
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        if (keyOrValue instanceof byte[] b) {
            return lineLength(b);
        }
        if (keyOrValue instanceof String s) {
            byte[] b = known(s);
            return b != null ? b.length : ByteBufUtil.utf8Bytes(s);
        }
        return 0;
    }

    /** Exact: Lettuce then writes each argument straight into the command's buffer, with no temporary one. */
    @Override
    public boolean isEstimateExact() {
        return true;
    }
}
