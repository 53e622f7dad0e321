package org.myelin.http.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Turns an endpoint's answer into Netty's. */
final class Responses {
    private Responses() {}

    static FullHttpResponse toNetty(HttpResponse answer, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        for (Map.Entry<String, String> h : answer.headers().entrySet()) {
            out.headers().set(h.getKey(), h.getValue());
        }
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        out.headers().set(HttpHeaderNames.CONNECTION,
                keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return out;
    }
}
