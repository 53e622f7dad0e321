package org.myelin.server.worker;

import java.net.URI;
import java.nio.file.Path;

/** Where a worker fetches the rows it missed. */
public sealed interface CatchUpSource permits CatchUpSource.SharedFile, CatchUpSource.OverHttp,
        CatchUpSource.Database {

    /**
     * Reads the main process's SQLite file on this machine.
     *
     * @param dataDir the main process's data directory
     */
    record SharedFile(Path dataDir) implements CatchUpSource {}

    /**
     * Asks the writer over HTTP ({@code get_repl_stream_updates}), Myelin's main or a real Synapse.
     *
     * @param base the writer's HTTP listener, such as {@code http://127.0.0.1:9093}
     * @param secret the replication secret
     */
    record OverHttp(URI base, String secret) implements CatchUpSource {
        /** Keeps the secret out of logs. */
        @Override
        public String toString() {
            return "OverHttp[" + base + "]";
        }
    }

    /**
     * Reads the writers' PostgreSQL database, from any machine.
     *
     * @param url {@code jdbc:postgresql://...} or {@code postgresql://...}
     */
    record Database(String url) implements CatchUpSource {
        /** Keeps any password out of logs. */
        @Override
        public String toString() {
            return "Database[" + org.myelin.store.postgres.PostgresUrls.redact(url) + "]";
        }
    }
}
