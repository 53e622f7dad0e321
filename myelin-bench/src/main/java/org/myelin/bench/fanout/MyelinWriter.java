package org.myelin.bench.fanout;

import org.myelin.core.ReplicationEngine;
import org.myelin.protocol.RawJson;
import org.myelin.tcp.EngineLinks;
import org.myelin.tcp.TcpServer;
import org.myelin.tcp.TcpSettings;

/**
 * The writer under test: Myelin's replication engine (the streamer, as a main process runs it)
 * over an in-memory stream, and its TCP server with default settings (but no connection cap) on a
 * loopback port.
 */
final class MyelinWriter implements AutoCloseable {
    private final MemoryStream stream;
    private final ReplicationEngine engine;
    private final TcpServer server;

    MyelinWriter(String streamName) {
        this.stream = new MemoryStream(streamName, 1 << 13);
        this.engine = ReplicationEngine.builder("master").write(stream.outbound()).build();
        // default settings but the connection cap, which the idle-link part exceeds on purpose
        this.server = TcpServer.start("127.0.0.1", 0, "fanout", TcpSettings.defaults().withMaxConnections(100_000),
                new EngineLinks(engine));
    }

    int port() {
        return server.port();
    }

    /** Appends a row; call {@link #poke()} after a batch, as a writer does after a commit. */
    long append(RawJson row) {
        return stream.append(row);
    }

    void poke() {
        engine.poke();
    }

    /** Catch-up mode entries and discarded RDATA: both mean readers lost rows they would have to fetch. */
    long congestionEvents() {
        return server.metrics().catchUpEntered() + server.metrics().rdataDiscarded();
    }

    @Override
    public void close() {
        server.closeAsync().toCompletableFuture().join();
        engine.close();
    }
}
