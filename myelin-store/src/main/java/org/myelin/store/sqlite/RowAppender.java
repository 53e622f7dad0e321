package org.myelin.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;
import org.myelin.store.StoredRows;
import org.myelin.store.TransactionWork;

/**
 * Appends rows and hands out tokens, on the writer's one connection.
 *
 * <p>Each append is one {@code BEGIN IMMEDIATE} transaction that reads the writer's persisted
 * position, inserts the rows after it and stores the new position. Taking the write lock at
 * {@code BEGIN} (not at the first write) means two appenders can never read the same position,
 * even in two processes; inside this process a lock serializes the threads sharing the connection.
 */
final class RowAppender implements AutoCloseable {
    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final PreparedStatement readPosition;
    private final PreparedStatement insertRow;
    private final PreparedStatement writePosition;
    private boolean closed;

    RowAppender(Path file, Connection connection) throws SQLException {
        this.file = file;
        this.connection = connection;
        this.readPosition = connection.prepareStatement(
                "SELECT token FROM stream_positions WHERE stream = ? AND instance = ?");
        this.insertRow = connection.prepareStatement(
                "INSERT INTO stream_rows (stream, instance, token, seq, row_json) VALUES (?, ?, ?, ?, ?)");
        this.writePosition = connection.prepareStatement(
                "INSERT INTO stream_positions (stream, instance, token) VALUES (?, ?, ?)"
                        + " ON CONFLICT (stream, instance) DO UPDATE SET token = excluded.token");
    }

    /**
     * Writes {@code texts} (already canonical) and returns their tokens.
     *
     * @throws IllegalStateException if closed
     * @throws StoreException if the transaction failed; it was rolled back and no token was used
     */
    List<Long> append(String stream, String instance, List<String> texts, boolean sameToken) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store " + file + " is closed");
            }
            execute("BEGIN IMMEDIATE");
            try {
                List<Long> tokens = insert(stream, instance, texts, sameToken);
                execute("COMMIT");
                return tokens;
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot append " + texts.size() + " rows to stream " + stream
                    + " (instance " + instance + ") in " + file, e);
        } finally {
            lock.unlock();
        }
    }

    /** Work on the writer's connection. */
    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs other writes (client IPs) on the writer's one connection, between appends; each statement
     * commits on its own.
     *
     * @throws StoreException naming {@code what} if the work fails
     */
    <T> T write(String what, SqlWork<T> work) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store " + file + " is closed");
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("Cannot " + what + " in " + file, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} and appends the rows it returns, in one transaction.
     *
     * @throws IllegalStateException if closed
     * @throws IllegalArgumentException if a returned row is null or not valid JSON (all rolled back)
     * @throws StoreException if the work or the append failed with an SQL error (all rolled back)
     */
    List<Long> appendWith(String stream, String instance, TransactionWork work, boolean sameToken) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store " + file + " is closed");
            }
            execute("BEGIN IMMEDIATE");
            try {
                List<String> texts = StoredRows.canonical(work.run(connection));
                List<Long> tokens = texts.isEmpty() ? List.of() : insert(stream, instance, texts, sameToken);
                execute("COMMIT");
                return tokens;
            } catch (SQLException | RuntimeException e) {
                rollback(e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("Cannot run a transaction appending to stream " + stream
                    + " (instance " + instance + ") in " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }


    private List<Long> insert(String stream, String instance, List<String> texts, boolean sameToken)
            throws SQLException {
        long position = position(stream, instance);
        List<Long> tokens = new ArrayList<>(texts.size());
        long token = position;
        int seq = 0;
        for (String text : texts) {
            if (sameToken && !tokens.isEmpty()) {
                seq++;
            } else {
                token = Math.addExact(token, 1);
            }
            insertRow.setString(1, stream);
            insertRow.setString(2, instance);
            insertRow.setLong(3, token);
            insertRow.setInt(4, seq);
            insertRow.setString(5, text);
            insertRow.addBatch();
            tokens.add(token);
        }
        insertRow.executeBatch();
        writePosition.setString(1, stream);
        writePosition.setString(2, instance);
        writePosition.setLong(3, token);
        writePosition.executeUpdate();
        return tokens;
    }

    private long position(String stream, String instance) throws SQLException {
        readPosition.setString(1, stream);
        readPosition.setString(2, instance);
        try (ResultSet rs = readPosition.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Undoes a failed append. SQLite may have rolled back on its own already (after a full disk, for
     * instance), in which case ROLLBACK fails too; that second error is kept beside the first.
     */
    private void rollback(Exception cause) {
        try {
            insertRow.clearBatch();
            execute("ROLLBACK");
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Waits for an append in progress, then closes the connection. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("Cannot close the writer connection of " + file, e);
        } finally {
            lock.unlock();
        }
    }
}
