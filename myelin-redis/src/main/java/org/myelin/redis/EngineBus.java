package org.myelin.redis;

import java.util.Set;
import org.myelin.core.ReplicationEngine;
import org.myelin.protocol.Command;
import org.myelin.protocol.ReplicateCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the bus to a {@link ReplicationEngine}: each new link is announced with {@code REPLICATE}
 * followed by a POSITION of every stream this process writes (peers cannot tell it reconnected), and
 * every command heard goes to the engine, which drops its own echoes and answers every
 * {@code REPLICATE} with its POSITIONs.
 */
public final class EngineBus implements BusListener {
    private static final Logger log = LoggerFactory.getLogger(EngineBus.class);

    private final ReplicationEngine engine;

    /** @param engine receives the bus's events */
    public EngineBus(ReplicationEngine engine) {
        this.engine = engine;
    }

    @Override
    public void onOpen(RedisLink link) {
        engine.connected(link);
        link.send(ReplicateCommand.INSTANCE);
        if (engine.streamer() != null) {
            engine.catchUpNeeded(link, engine.streamer().streamNames());
        }
        if (engine.receiver() == null) {
            link.markEstablished(); // a pure writer has nothing to catch up
        }
    }

    @Override
    public void onCommand(RedisLink link, Command command) {
        engine.received(link, command);
    }

    /** The engine drops RDATA and POSITION of its own instance: the transport need not even parse them. */
    @Override
    public String ignoredInstance() {
        return engine.instanceName();
    }

    @Override
    public void onCatchUpNeeded(RedisLink link, Set<String> streams) {
        log.info("link {} discarded commands of {}; sending positions so readers catch up", link.describe(), streams);
        engine.catchUpNeeded(link, streams);
    }

    @Override
    public void onClose(RedisLink link, String reason) {
        engine.disconnected(link);
    }
}
