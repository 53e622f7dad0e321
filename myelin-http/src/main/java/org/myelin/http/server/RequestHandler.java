package org.myelin.http.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes complete requests off one connection, one at a time: it stops reading while a request is
 * being answered (so a client cannot pile up work or memory), routes it, runs its endpoint on the
 * bounded executor (never on the event loop) and writes the answer. Requests a pipelining client
 * already sent wait in a short queue.
 */
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
    private final Router router;
    private final Executor executor;
    private final Counters counters;
    private final BodyBudget budget;
    /** Pipelined requests held per connection ({@link HttpSettings#maxPipelined()}); a client sending more is dropped. */
    private final int maxPipelined;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean busy;

    /** A pipelined request and the body bytes it holds in the budget. */
    private record Pending(FullHttpRequest request, long bytes) {}

    /** The server-wide counters this handler adds to. */
    record Counters(LongAdder requests, LongAdder busyRejections, LongAdder endpointFailures) {}

    RequestHandler(Router router, Executor executor, Counters counters, BodyBudget budget, int maxPipelined) {
        super(false);
        this.router = router;
        this.executor = executor;
        this.counters = counters;
        this.budget = budget;
        this.maxPipelined = maxPipelined;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        counters.requests().increment();
        ReceiveBudget receive = ctx.pipeline().get(ReceiveBudget.class);
        long bytes = receive == null ? 0 : receive.transfer();
        if (busy) {
            if (pending.size() >= maxPipelined) {
                request.release();
                budget.give(bytes);
                log.debug("closing HTTP connection from {}: over {} pipelined requests",
                        ctx.channel().remoteAddress(), maxPipelined);
                ctx.close();
                return;
            }
            pending.add(new Pending(request, bytes));
            return;
        }
        start(ctx, request, bytes);
    }

    private void start(ChannelHandlerContext ctx, FullHttpRequest request, long bytes) {
        busy = true;
        ctx.channel().config().setAutoRead(false);
        ctx.pipeline().get(RequestTimer.class).requestReceived();
        boolean handedOver = false;
        try {
            handedOver = dispatch(ctx, request, bytes);
        } finally {
            request.release();
            if (!handedOver) {
                budget.give(bytes);
            }
        }
    }

    /** Answers the request or hands it to a worker; true if a worker took it (and its body bytes). */
    private boolean dispatch(ChannelHandlerContext ctx, FullHttpRequest request, long bytes) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            respond(ctx, HttpResponse.error(400, "bad HTTP request: "
                    + (cause == null ? "unreadable" : String.valueOf(cause.getMessage()))), false);
            return false;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String method = request.method().name();
        String uri = request.uri();
        if (!uri.startsWith("/")) {
            respond(ctx, HttpResponse.error(400, "the request target must be a path starting with '/'"), keepAlive);
            return false;
        }
        QueryStringDecoder target = new QueryStringDecoder(uri, StandardCharsets.UTF_8, true, 1024, true);
        Router.Result route;
        Map<String, List<String>> query;
        try {
            route = router.find(method, target.rawPath());
            query = target.parameters();
        } catch (IllegalArgumentException e) {
            respond(ctx, HttpResponse.error(400, "bad request target: " + e.getMessage()), keepAlive);
            return false;
        }
        if (route instanceof Router.Found found) {
            return run(ctx, found, toRequest(ctx, request, method, found, query), keepAlive, bytes);
        } else if (route instanceof Router.WrongMethod wm) {
            String allow = String.join(", ", wm.allowed());
            respond(ctx, HttpResponse.error(405, "method " + method + " not allowed here; use " + allow)
                    .withHeader("Allow", allow), keepAlive);
        } else {
            respond(ctx, HttpResponse.error(404, "no such endpoint: " + ((Router.NotFound) route).path()),
                    keepAlive);
        }
        return false;
    }

    private static HttpRequest toRequest(ChannelHandlerContext ctx, FullHttpRequest request, String method,
            Router.Found found, Map<String, List<String>> query) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        SocketAddress remote = ctx.channel().remoteAddress();
        return new HttpRequest(method, found.path(), found.params(), query, headers,
                ByteBufUtil.getBytes(request.content()),
                remote instanceof InetSocketAddress inet ? inet : null);
    }

    private boolean run(ChannelHandlerContext ctx, Router.Found found, HttpRequest request, boolean keepAlive,
            long bytes) {
        try {
            executor.execute(() -> {
                HttpResponse answer;
                try {
                    answer = call(found.endpoint(), request);
                } finally {
                    budget.give(bytes);
                }
                ctx.executor().execute(() -> respond(ctx, answer, keepAlive));
            });
            return true;
        } catch (RejectedExecutionException e) {
            refuse(ctx, keepAlive);
            return false;
        }
    }

    private void refuse(ChannelHandlerContext ctx, boolean keepAlive) {
        counters.busyRejections().increment();
        respond(ctx, HttpResponse.error(503, "server busy, retry shortly").withHeader("Retry-After", "1"),
                keepAlive);
    }

    private HttpResponse call(HttpEndpoint endpoint, HttpRequest request) {
        try {
            HttpResponse answer = endpoint.handle(request);
            if (answer == null) {
                throw new IllegalStateException("endpoint returned no response");
            }
            return answer;
        } catch (Throwable e) {
            // whatever went wrong, the client gets an answer and the log one line with the cause
            counters.endpointFailures().increment();
            log.error("{} {} failed", request.method(), request.path(), e);
            return HttpResponse.error(500, "internal error");
        }
    }

    private void respond(ChannelHandlerContext ctx, HttpResponse answer, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            return;
        }
        RequestTimer writing = ctx.pipeline().get(RequestTimer.class);
        if (writing != null) {
            writing.responseWriting();
        }
        ctx.writeAndFlush(Responses.toNetty(answer, keepAlive)).addListener((ChannelFutureListener) f -> {
            if (!keepAlive || !f.isSuccess()) {
                ctx.close();
                return;
            }
            busy = false;
            RequestTimer timer = ctx.pipeline().get(RequestTimer.class);
            if (timer != null) {
                timer.responseSent();
            }
            Pending next = pending.poll();
            if (next != null) {
                start(ctx, next.request(), next.bytes());
            } else {
                ctx.channel().config().setAutoRead(true);
            }
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Pending p;
        while ((p = pending.poll()) != null) {
            p.request().release();
            budget.give(p.bytes());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
