package org.myelin.bench.load;

/** Where the catch-up benchmark's worker fetches the rows it missed. */
enum CatchUpSource {
    /** The writer's SQLite file, opened read-only by the worker. */
    SQLITE,
    /** The writer's PostgreSQL schema, through the worker's own pool. */
    POSTGRES,
    /** The writer's HTTP listener ({@code get_repl_stream_updates}), the writer storing in SQLite. */
    HTTP;

    /** The name as given on the command line. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
