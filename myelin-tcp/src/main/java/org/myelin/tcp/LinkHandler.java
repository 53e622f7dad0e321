package org.myelin.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.myelin.protocol.Command;
import org.myelin.protocol.ErrorCommand;
import org.myelin.protocol.NameCommand;
import org.myelin.protocol.PingCommand;
import org.myelin.protocol.RemoteServerUpCommand;
import org.myelin.protocol.ReplicateCommand;
import org.myelin.protocol.ServerCommand;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound half of a link: greets the peer, handles the protocol-level commands ({@code PING},
 * {@code NAME}, {@code SERVER}, {@code ERROR}) on the event loop, checks who may send what, and
 * passes the handler-level commands to the listener in arrival order.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(LinkHandler.class);

    private final NettyLink link;
    private final Side side;
    private final TcpMetrics metrics;
    private final LinkHooks hooks;
    /** Client side: the server name expected in SERVER, {@code null} to accept any. */
    private final String expectedServer;
    /** Server side: this server's name, sent in SERVER. Client side: this client's NAME. */
    private final String localName;

    private LinkHandler(NettyLink link, TcpMetrics metrics, LinkHooks hooks, String localName,
            String expectedServer) {
        this.link = link;
        this.side = link.side();
        this.metrics = metrics;
        this.hooks = hooks;
        this.localName = localName;
        this.expectedServer = expectedServer;
    }

    /** The handler of a connection accepted by a server called {@code serverName}. */
    static LinkHandler server(NettyLink link, TcpMetrics metrics, LinkHooks hooks, String serverName) {
        return new LinkHandler(link, metrics, hooks, serverName, null);
    }

    /** The handler of a client called {@code clientName} expecting {@code expectedServer} (or any). */
    static LinkHandler client(NettyLink link, TcpMetrics metrics, LinkHooks hooks, String clientName,
            String expectedServer) {
        return new LinkHandler(link, metrics, hooks, clientName, expectedServer);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        link.attach(ctx);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        link.activated();
        String now = Long.toString(System.currentTimeMillis());
        if (side == Side.SERVER) {
            link.send(new ServerCommand(localName));
            link.send(new PingCommand(now));
            link.startHandshakeDeadline();
            link.open();
        } else {
            // The client opens the link only when SERVER has been checked.
            log.info("{}: connected to {}", link.id(), ctx.channel().remoteAddress());
            link.send(new NameCommand(localName));
            link.send(new PingCommand(now));
            link.send(ReplicateCommand.INSTANCE);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!link.acceptsInput()) {
            return; // closing: nothing the peer says now is acted upon
        }
        if (msg instanceof BadLine bad) {
            if (bad.tooLong()) {
                metrics.linesTooLongReceived.increment();
            } else {
                metrics.parseFailures.increment();
            }
            // The reason may quote what the peer sent: escaped and cut, in the log and the echo.
            String reason = PeerText.text(bad.reason());
            log.warn("{}: bad line from peer: {}", link, reason);
            link.closeWithError(reason);
            return;
        }
        Command command = (Command) msg;
        metrics.commandsReceived.increment();
        if (!command.type().mayBeSentBy(side.peer())) {
            metrics.invalidCommands.increment();
            log.warn("{}: the {} may not send {}", link, side.peer() == Side.SERVER ? "server" : "client",
                    command.name());
            link.closeWithError("invalid command: " + command.name());
            return;
        }
        link.countReceived(command.type());
        if (command instanceof NameCommand || command instanceof ReplicateCommand) {
            link.handshakeDone();
        }
        if (command instanceof PingCommand) {
            link.pingReceived();
        } else if (command instanceof NameCommand name) {
            link.setName(name.data());
            log.info("{}: peer is called '{}'", link, PeerText.name(name.data()));
        } else if (command instanceof ServerCommand server) {
            serverNamed(server.data());
        } else if (command instanceof ErrorCommand error) {
            metrics.errorsReceived.increment();
            link.peerError(error.data());
            log.warn("{}: peer sent ERROR {}", link, PeerText.text(error.data()));
        } else {
            handlerLevel(command);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        link.readComplete();
        ctx.fireChannelReadComplete();
    }

    private void serverNamed(String serverName) {
        if (expectedServer != null && !expectedServer.equals(serverName)) {
            metrics.wrongServerNames.increment();
            log.debug("{}: connected to server '{}' but expected '{}'", link, PeerText.name(serverName),
                    expectedServer);
            // The owner says it once, loudly: a wrong name is a configuration error, not a glitch.
            hooks.wrongServer(link, serverName);
            link.closeWithError("Wrong remote");
            return;
        }
        link.setName(serverName);
        link.open();
    }

    private void handlerLevel(Command command) {
        if (!link.isOpened()) {
            // Only a client link can be unopened here: the server must say who it is first.
            metrics.invalidCommands.increment();
            link.closeWithError("expected SERVER before " + command.name());
            return;
        }
        if (command instanceof RemoteServerUpCommand up) {
            log.debug("{}: REMOTE_SERVER_UP {}", link, PeerText.name(up.data()));
            hooks.remoteServerUp(link, command);
        }
        link.deliver(command);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.WRITER_IDLE) {
                link.keepalive();
            } else if (idle.state() == IdleState.READER_IDLE && link.hasReceivedPing() && link.acceptsInput()) {
                // A peer that never pinged (a person with netcat) is never timed out.
                metrics.pingTimeouts.increment();
                log.warn("{}: nothing received for {} ms", link, link.settings().pingTimeout().toMillis());
                link.closeWithError("ping timeout");
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        link.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        link.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!link.acceptsInput()) {
            // Closing already: writes still pending fail one by one; that is expected.
            log.debug("{}: after close: {}", link, cause.toString());
            return;
        }
        if (cause instanceof IOException) {
            log.info("{}: connection error: {}", link, cause.toString());
        } else {
            log.warn("{}: unexpected failure", link, cause);
        }
        link.closeQuietly("connection error: " + cause);
    }
}
