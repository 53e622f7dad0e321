package org.myelin.tcp;

import org.myelin.protocol.Command;

/**
 * What the owner of a link ({@link TcpServer} or {@link TcpClient}) does at points of the link's
 * life that the engine's {@link LinkListener} does not see. Called on the link's event loop.
 */
interface LinkHooks {

    /** The link opened, just before {@link LinkListener#onOpen}. */
    default void opened(NettyLink link) {}

    /** The connection closed after it was up, whether or not the link opened. */
    default void closed(NettyLink link) {}

    /** The engine called {@link Link#markEstablished()}; may be called from any thread. */
    default void established(NettyLink link) {}

    /** Client side: the server said it is {@code serverName}, not the name expected (raw, unescaped). */
    default void wrongServer(NettyLink link, String serverName) {}

    /** A {@code REMOTE_SERVER_UP} arrived on this link (before the listener hears of it). */
    default void remoteServerUp(NettyLink from, Command command) {}
}
