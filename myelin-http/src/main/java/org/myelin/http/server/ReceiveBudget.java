package org.myelin.http.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Charges every body byte a connection receives to the server-wide {@link BodyBudget} as it arrives,
 * so that many clients sending large bodies at once cannot together exhaust the heap (each one
 * alone is held to the body limit). Past the budget the request gets {@code 503} and the connection
 * is closed. The {@link RequestHandler} takes over the bytes of each complete request and gives
 * them back once its endpoint is done; bytes of a request cut short are given back on close.
 */
final class ReceiveBudget extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ReceiveBudget.class);

    private final BodyBudget budget;
    private final LongAdder busyRejections;
    private long held;
    private boolean refused;

    ReceiveBudget(BodyBudget budget, LongAdder busyRejections) {
        this.budget = budget;
        this.busyRejections = busyRejections;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpContent content) {
            int n = content.content().readableBytes();
            if (n > 0) {
                if (!budget.take(n)) {
                    refused = true;
                    ReferenceCountUtil.release(msg);
                    busyRejections.increment();
                    log.debug("refusing a request body from {}: bodies in memory at their bound",
                            ctx.channel().remoteAddress());
                    HttpResponse busy = HttpResponse.error(503, "server busy, retry shortly")
                            .withHeader("Retry-After", "1");
                    ctx.writeAndFlush(Responses.toNetty(busy, false)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                held += n;
            }
        }
        super.channelRead(ctx, msg);
    }

    /** Hands the bytes charged so far (one complete request's body) to the caller, who gives them back. */
    long transfer() {
        long bytes = held;
        held = 0;
        return bytes;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        budget.give(held);
        held = 0;
        super.channelInactive(ctx);
    }
}
