package org.myelin.node;

/**
 * The one entry point for embedding Myelin in a JVM service: a Synapse-style writer, a worker, or
 * both, each in a few lines.
 *
 * <pre>{@code
 * MyelinNode worker = Myelin.worker("w1")
 *         .tcp("127.0.0.1", 9092)
 *         .catchUpFrom(store)
 *         .follow("events")
 *         .onRows((stream, instance, token, rows) -> handle(rows))
 *         .start();
 * worker.established().get(30, TimeUnit.SECONDS);
 * ...
 * worker.close();
 * }</pre>
 *
 * <p>Underneath are the usual building blocks ({@code ReplicationEngine}, {@code TcpClient},
 * {@code TcpServer}, {@code StreamWriter}, {@code CacheInvalidations}); {@link MyelinNode} hands
 * them out for anything the facade does not cover.
 */
public final class Myelin {
    private Myelin() {}

    /**
     * Starts building a worker named {@code name}: it follows a writer's streams over a transport
     * and hands their rows to a handler, fetching what it missed from a catch-up source.
     */
    public static NodeBuilder worker(String name) {
        return new NodeBuilder(name);
    }

    /**
     * Starts building a writer whose instance name is {@code instance} ({@code master} for a
     * Synapse main process): it appends rows to a store and streams them to connected workers.
     * Call {@link NodeBuilder#writeTo} to give it its store.
     */
    public static NodeBuilder writer(String instance) {
        return new NodeBuilder(instance);
    }
}
