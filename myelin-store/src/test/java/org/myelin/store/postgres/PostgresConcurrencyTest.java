package org.myelin.store.postgres;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.myelin.store.ConcurrencyContract;
import org.myelin.store.StreamStore;

/** The concurrency contract on PostgreSQL: two writer instances of one stream sharing its token sequence. */
class PostgresConcurrencyTest extends ConcurrencyContract {
    private TestPostgres db;

    @BeforeEach
    void createSchema() {
        db = TestPostgres.create();
    }

    @AfterEach
    void dropSchema() {
        if (db != null) {
            db.close();
        }
    }

    @Override
    protected StreamStore openWriter() {
        return PostgresStreamStore.open(db.options());
    }

    @Override
    protected StreamStore openReader() {
        return PostgresStreamStore.openExisting(db.options());
    }

    @Override
    protected String secondWriterInstance() {
        return "persister2";
    }
}
