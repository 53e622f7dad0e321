package org.myelin.bench.fanout;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The physical floor of the fan-out bench: a plain Netty server (same event loop count, same
 * {@code TCP_NODELAY}) that answers {@code REPLICATE} with one {@code POSITION} and then writes the
 * same pre-encoded {@code RDATA} lines, chunk by chunk, to every connection: one shared direct
 * buffer per chunk, a retained duplicate and one {@code writeAndFlush} per connection. No protocol
 * logic, no queues, no congestion handling: what the kernel, Netty and the reader process allow.
 */
final class FloorServer implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(Runtime.getRuntime().availableProcessors());
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final Channel server;

    FloorServer(String stream, String instance) {
        byte[] position = ("SERVER fanout\nPOSITION " + stream + " " + instance + " 0 0\n")
                .getBytes(StandardCharsets.US_ASCII);
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            private boolean answered;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf in = (ByteBuf) msg;
                                boolean replicate = in.toString(StandardCharsets.US_ASCII).contains("REPLICATE");
                                in.release();
                                if (replicate && !answered) {
                                    answered = true;
                                    channels.add(ctx.channel());
                                    ctx.writeAndFlush(Unpooled.wrappedBuffer(position));
                                }
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Writes one pre-encoded chunk of lines to every connection (the chunk keeps its own reference). */
    void send(ByteBuf chunk) {
        for (Channel c : channels) {
            c.writeAndFlush(chunk.retainedDuplicate(), c.voidPromise());
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        for (Channel c : channels) {
            c.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
