package org.myelin.http.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request does not arrive in full within the read timeout (counted from
 * the connection's opening or the request's first byte), or that sits idle between requests
 * longer than the idle timeout, or that does not take its answer within the read timeout. While an
 * endpoint runs no timer runs: the server, not the client, is then the one taking time. Sits before the HTTP codec so that it sees raw bytes; all its
 * methods run on the channel's event loop.
 */
final class RequestTimer extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestTimer.class);

    private enum State { WAITING_FIRST, IDLE, READING, BUSY }

    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final LongAdder timeouts;
    private State state = State.WAITING_FIRST;
    private ScheduledFuture<?> timer;
    private ChannelHandlerContext ctx;

    RequestTimer(Duration readTimeout, Duration idleTimeout, LongAdder timeouts) {
        this.readTimeoutNanos = readTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.timeouts = timeouts;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // a connection that never sends its first request is a slow client like any other
        arm(readTimeoutNanos, "no request within the read timeout");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE && msg instanceof ByteBuf buf && buf.isReadable()) {
            state = State.READING;
            arm(readTimeoutNanos, "request not received in full within the read timeout");
        } else if (state == State.WAITING_FIRST) {
            state = State.READING;
        }
        super.channelRead(ctx, msg);
    }

    /** A complete request arrived: the server works now, the client waits. */
    void requestReceived() {
        state = State.BUSY;
        cancel();
    }

    /**
     * An answer is being written: a client that does not take it within the read timeout (it stopped
     * reading) is closed, so that it cannot hold the answer's memory for ever.
     */
    void responseWriting() {
        arm(readTimeoutNanos, "answer not taken within the read timeout");
    }

    /** The answer went out on a kept-alive connection: wait for the next request. */
    void responseSent() {
        state = State.IDLE;
        arm(idleTimeoutNanos, "idle kept-alive connection");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void arm(long nanos, String reason) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) {
                timeouts.increment();
                log.debug("closing HTTP connection from {}: {}", ctx.channel().remoteAddress(), reason);
                ctx.close();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
