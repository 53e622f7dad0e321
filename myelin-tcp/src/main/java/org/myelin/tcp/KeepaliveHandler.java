package org.myelin.tcp;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent#READER_IDLE_STATE_EVENT} when nothing was read for the reader
 * timeout and {@link IdleStateEvent#WRITER_IDLE_STATE_EVENT} when nothing was flushed for the
 * writer interval, like Netty's {@code IdleStateHandler}, but without touching writes: that one
 * turns every write into a promise with a listener (a fifth of the CPU of a busy fan-out), where
 * this one notes the time of each flush, which the link does once per burst.
 *
 * <p>Each timer is one scheduled task per link that, when it fires early (there was traffic),
 * reschedules itself for the remaining time. Event loop only.
 */
final class KeepaliveHandler extends ChannelDuplexHandler {
    private final long readerIdleNanos;
    private final long writerIdleNanos;
    private long lastRead;
    private long lastFlush;
    private boolean reading;
    private boolean started;
    private ScheduledFuture<?> readerTimer;
    private ScheduledFuture<?> writerTimer;

    /** @param readerIdleNanos silence in before READER_IDLE; @param writerIdleNanos silence out before WRITER_IDLE */
    KeepaliveHandler(long readerIdleNanos, long writerIdleNanos) {
        this.readerIdleNanos = readerIdleNanos;
        this.writerIdleNanos = writerIdleNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        reading = true;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (reading) {
            lastRead = System.nanoTime();
            reading = false;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastFlush = System.nanoTime();
        ctx.flush();
    }

    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        long now = System.nanoTime();
        lastRead = now;
        lastFlush = now;
        if (readerIdleNanos > 0) {
            readerTimer = ctx.executor().schedule(() -> readerCheck(ctx), readerIdleNanos, TimeUnit.NANOSECONDS);
        }
        if (writerIdleNanos > 0) {
            writerTimer = ctx.executor().schedule(() -> writerCheck(ctx), writerIdleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void readerCheck(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long left = reading ? readerIdleNanos : readerIdleNanos - (System.nanoTime() - lastRead);
        if (left > 0) {
            readerTimer = ctx.executor().schedule(() -> readerCheck(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        readerTimer = ctx.executor().schedule(() -> readerCheck(ctx), readerIdleNanos, TimeUnit.NANOSECONDS);
        ctx.fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
    }

    private void writerCheck(ChannelHandlerContext ctx) {
        if (!ctx.channel().isOpen()) {
            return;
        }
        long left = writerIdleNanos - (System.nanoTime() - lastFlush);
        if (left > 0) {
            writerTimer = ctx.executor().schedule(() -> writerCheck(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        writerTimer = ctx.executor().schedule(() -> writerCheck(ctx), writerIdleNanos, TimeUnit.NANOSECONDS);
        ctx.fireUserEventTriggered(IdleStateEvent.WRITER_IDLE_STATE_EVENT);
    }

    private void stop() {
        if (readerTimer != null) {
            readerTimer.cancel(false);
            readerTimer = null;
        }
        if (writerTimer != null) {
            writerTimer.cancel(false);
            writerTimer = null;
        }
    }
}
