package org.myelin.store.sqlite;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.store.ConcurrencyContract;
import org.myelin.store.StreamStore;

/** The concurrency contract on one SQLite file: two writer stores of one instance, kept apart by BEGIN IMMEDIATE. */
class SqliteConcurrencyTest extends ConcurrencyContract {
    @TempDir
    Path dir;

    @Override
    protected StreamStore openWriter() {
        return SqliteStreamStore.open(dir);
    }

    @Override
    protected StreamStore openReader() {
        return SqliteStreamStore.openExisting(dir);
    }

    @Override
    protected String secondWriterInstance() {
        return "master";
    }
}
