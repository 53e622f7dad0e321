package org.myelin.http.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Gathers a request's body up to the limit; beyond it answers {@code 413} with a JSON error and
 * closes the connection at once, so that no more of the body is read or buffered (and a client that
 * announced a too-large {@code Content-Length} is refused before it sends anything).
 */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBytes;

    BodyLimit(int maxBytes) {
        super(maxBytes);
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        HttpResponse answer = HttpResponse.error(413, "request body over " + maxBytes + " bytes");
        ctx.writeAndFlush(Responses.toNetty(answer, false)).addListener(ChannelFutureListener.CLOSE);
    }
}
