/**
 * Direct TCP replication on Netty: it moves commands and knows nothing of what a stream means.
 *
 * <p>A {@link org.myelin.tcp.TcpServer} accepts workers; a {@link org.myelin.tcp.TcpClient}
 * connects to a server and reconnects forever. Each connection is a {@link org.myelin.tcp.Link}
 * the engine sends commands to, and tells its {@link org.myelin.tcp.LinkListener} what arrived.
 * Both ends share {@link org.myelin.tcp.TcpSettings} and count what happens in
 * {@link org.myelin.tcp.TcpMetrics}.
 *
 * <p>What the layer does by itself (PROTOCOL.md sections 1, 2 and 4):
 * <ul>
 *   <li>greetings: {@code SERVER} and {@code PING} from the server; {@code NAME}, {@code PING},
 *       {@code REPLICATE} from the client, which checks the server's name;</li>
 *   <li>framing: lines up to the limit (never buffering more), blank lines ignored, bad lines and
 *       commands from the wrong side answered with {@code ERROR} and a close;</li>
 *   <li>keepalive: {@code PING} when idle, {@code ERROR ping timeout} for a peer that pinged and
 *       then went silent, an abort for a close that does not finish;</li>
 *   <li>congestion: bounded queues and catch-up mode instead of dropping slow peers;</li>
 *   <li>relaying {@code REMOTE_SERVER_UP} to the server's other links.</li>
 * </ul>
 *
 * <p>Threads: each link belongs to one Netty event loop, which runs its I/O, its protocol-level
 * commands and every listener call for it. Sending is thread-safe and never blocks; listener
 * methods must not block either.
 */
package org.myelin.tcp;
