package org.myelin.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.myelin.protocol.Command;
import org.myelin.protocol.Framing;
import org.myelin.protocol.ProtocolException;

/**
 * Splits the byte stream into lines and parses them into {@link Command}s, or one {@link BadLine}.
 *
 * <p>Blank lines are skipped and a trailing {@code \r} dropped ({@link Framing#decodeLine}). The
 * decoder never holds more than the line limit of an unfinished line: once that many bytes have
 * arrived without {@code \n}, it reports {@link Framing#LINE_TOO_LONG} without waiting for the end.
 * After a bad line it passes nothing more on, because the link is about to close and nothing the
 * peer sent after its mistake may be acted upon.
 */
final class LineDecoder extends ByteToMessageDecoder {
    private final int maxLineBytes;
    /** How far past the reader index the buffer is known to hold no {@code \n}; saves rescans. */
    private int scanned;
    private boolean failed;

    LineDecoder(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            int start = in.readerIndex();
            int end = in.writerIndex();
            // Only look as far as a line may go: limit + 1 for its '\n'.
            int searchEnd = Math.min(end, start + maxLineBytes + 1);
            int eol = in.indexOf(start + scanned, searchEnd, (byte) '\n');
            if (eol < 0) {
                if (end - start > maxLineBytes) {
                    fail(in, out, new BadLine(true, Framing.LINE_TOO_LONG));
                } else {
                    scanned = end - start;
                }
                return;
            }
            scanned = 0;
            int length = eol - start;
            byte[] line = new byte[length];
            in.readBytes(line);
            in.skipBytes(1);
            Command command;
            try {
                command = Framing.decodeLine(line, 0, length);
            } catch (ProtocolException e) {
                fail(in, out, new BadLine(false, "failed to parse line: " + e.reason()));
                return;
            }
            if (command != null) {
                out.add(command);
            }
        }
    }

    /** Bytes held of an unfinished line (tests: never more than the line limit). */
    int buffered() {
        ByteBuf held = internalBuffer();
        return held == null ? 0 : held.readableBytes();
    }

    private void fail(ByteBuf in, List<Object> out, BadLine bad) {
        failed = true;
        in.skipBytes(in.readableBytes());
        out.add(bad);
    }
}
