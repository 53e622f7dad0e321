package org.myelin.server.worker;

import java.net.URI;
import java.nio.file.Path;

/** Where a worker fetches the rows it missed. */
public sealed interface CatchUpSource permits CatchUpSource.SharedFile, CatchUpSource.OverHttp,
        CatchUpSource.Database, CatchUpSource.OverHttpPerWriter {

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

    /**
     * Asks each writer over HTTP for its own rows ({@code --catch-up-url NAME=URL} per writer
     * instance): a writer's catch-up endpoint serves only the rows it wrote.
     *
     * @param bases each writer instance's HTTP listener
     * @param fallback the listener of any other writer ({@code --catch-up-url URL}), or null
     * @param secret the replication secret
     */
    record OverHttpPerWriter(java.util.Map<String, URI> bases, URI fallback, String secret) implements CatchUpSource {
        /** Copies the map. */
        public OverHttpPerWriter {
            bases = java.util.Map.copyOf(bases);
        }

        /** The listener serving {@code instance}'s rows. */
        URI baseOf(String instance) {
            URI base = bases.getOrDefault(instance, fallback);
            if (base == null) {
                throw new IllegalStateException("no --catch-up-url for writer instance " + instance
                        + " (give --catch-up-url " + instance + "=URL)");
            }
            return base;
        }

        /** Keeps the secret out of logs. */
        @Override
        public String toString() {
            return "OverHttpPerWriter[" + bases + (fallback == null ? "" : ", others " + fallback) + "]";
        }
    }
}
