package org.myelin.tcp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects TCP links to a {@link ReplicationEngine}: every link event becomes an engine call. Give
 * it to a {@link TcpServer} (a writer) or a {@link TcpClient} (a worker). Runs on the Netty event
 * loops and never blocks (the engine queues or hands off everything slow).
 */
public final class EngineLinks implements LinkListener {
    private static final Logger log = LoggerFactory.getLogger(EngineLinks.class);

    private final ReplicationEngine engine;
    private final Map<Link, ReplicationConnection> connections = new ConcurrentHashMap<>();

    /** @param engine receives the links' events */
    public EngineLinks(ReplicationEngine engine) {
        this.engine = engine;
    }

    @Override
    public void onOpen(Link link) {
        ReplicationConnection connection = new LinkConnection(link);
        connections.put(link, connection);
        log.info("link {} open", connection);
        engine.connected(connection);
    }

    @Override
    public void onCommand(Link link, Command command) {
        ReplicationConnection connection = connections.get(link);
        if (connection != null) {
            engine.received(connection, command);
        }
    }

    @Override
    public void onCatchUpNeeded(Link link, Set<String> streams) {
        ReplicationConnection connection = connections.get(link);
        if (connection != null) {
            log.info("link {} dropped RDATA of {}; sending positions so it catches up", connection.describe(), streams);
            engine.catchUpNeeded(connection, streams);
        }
    }

    @Override
    public void onReadComplete(Link link) {
        ReplicationConnection connection = connections.get(link);
        if (connection instanceof LinkConnection c) {
            c.readBatchesHeard();
            engine.readComplete(connection);
        }
    }

    @Override
    public void onClose(Link link, String reason) {
        ReplicationConnection connection = connections.remove(link);
        if (connection != null) {
            log.info("link {} closed: {}", connection, reason);
            engine.disconnected(connection);
        }
    }
}
