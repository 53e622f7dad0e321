package org.myelin.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import org.myelin.protocol.Side;

/** Builds the handlers of one link's channel, the same way for both ends. */
final class LinkPipeline {
    private LinkPipeline() {}

    /**
     * Installs idle detection, line decoding and the link handler on a new channel.
     *
     * @param localName the server's name (server side) or the client's NAME (client side)
     * @param expectedServer client side: the server name to insist on, or {@code null}
     * @return the link living on that channel
     */
    static NettyLink install(Channel channel, Side side, TcpSettings settings, TcpMetrics metrics,
            LinkListener listener, LinkHooks hooks, String localName, String expectedServer) {
        NettyLink link = new NettyLink(channel, side, settings, metrics, listener, hooks);
        if (settings.socketSendBufferBytes() > 0) {
            channel.config().setOption(ChannelOption.SO_SNDBUF, settings.socketSendBufferBytes());
        }
        ChannelPipeline pipeline = channel.pipeline();
        // First, so that it sees raw bytes in ("nothing arrived") and every flush out ("nothing sent").
        pipeline.addLast("idle", new KeepaliveHandler(settings.pingTimeout().toNanos(), settings.pingInterval().toNanos()));
        pipeline.addLast("lines", new LineDecoder(settings.maxLineBytes()));
        pipeline.addLast("link", side == Side.SERVER
                ? LinkHandler.server(link, metrics, hooks, localName)
                : LinkHandler.client(link, metrics, hooks, localName, expectedServer));
        return link;
    }
}
