package org.myelin.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * A caller's database work that must commit together with stream rows, such as a data change and
 * the {@code caches} rows invalidating what it changed: readers then never see the change without
 * the rows, nor the rows without the change.
 *
 * <p>It runs inside a transaction the store opened on its own connection: it may read and write
 * the caller's tables, but must not commit, roll back, change auto-commit nor close the connection.
 * Every other append of the store waits while it runs, so keep it short.
 */
@FunctionalInterface
public interface TransactionWork {
    /**
     * Does the work and returns the rows to append in the same transaction (none is fine).
     *
     * @throws SQLException to roll everything back; the store reports it as a {@link StoreException}
     */
    List<RawJson> run(Connection connection) throws SQLException;
}
