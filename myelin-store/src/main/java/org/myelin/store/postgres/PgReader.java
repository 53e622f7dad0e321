package org.myelin.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;
import org.myelin.store.StreamPosition;

/**
 * Reads positions and pages of rows. A page is read in one {@code REPEATABLE READ} transaction, so
 * it is one snapshot even while writers commit.
 */
final class PgReader {
    private static final String ROWS_FROM = "SELECT token, seq, row_json FROM stream_rows"
            + " WHERE stream = ? AND instance = ? AND token > ? AND token <= ? ORDER BY token, seq LIMIT ?";
    private static final String REST_OF_TOKEN = "SELECT token, seq, row_json FROM stream_rows"
            + " WHERE stream = ? AND instance = ? AND token = ? AND seq > ? ORDER BY seq";
    private static final String ANY_AFTER =
            "SELECT 1 FROM stream_rows WHERE stream = ? AND instance = ? AND token > ? AND token <= ? LIMIT 1";

    private final String where;
    private final DataSource pool;

    PgReader(String where, DataSource pool) {
        this.where = where;
        this.pool = pool;
    }

    long currentToken(String stream, String instance) {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT token FROM stream_positions WHERE stream = ? AND instance = ?")) {
            s.setString(1, stream);
            s.setString(2, instance);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        } catch (SQLException e) {
            throw failure("the position of " + stream + "/" + instance, e);
        }
    }

    long safePosition(String stream) {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT COALESCE(min(token), 0) FROM stream_positions WHERE stream = ?")) {
            s.setString(1, stream);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw failure("the safe position of " + stream, e);
        }
    }

    List<StreamPosition> positions() {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement(
                        // COLLATE "C": the same byte order as SQLite's, whatever the database's locale
                        "SELECT stream, instance, token FROM stream_positions"
                                + " ORDER BY stream COLLATE \"C\", instance COLLATE \"C\"");
                ResultSet rs = s.executeQuery()) {
            List<StreamPosition> positions = new ArrayList<>();
            while (rs.next()) {
                positions.add(new StreamPosition(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
            return positions;
        } catch (SQLException e) {
            throw failure("the stream positions", e);
        }
    }

    UpdateBatch getUpdates(String stream, String instance, long from, long upto, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (upto <= from) {
            return UpdateBatch.empty(upto);
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                UpdateBatch batch = page(c, stream, instance, from, upto, limit);
                c.commit();
                return batch;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw failure("rows (" + from + ", " + upto + "] of " + stream + "/" + instance, e);
        }
    }

    private UpdateBatch page(Connection c, String stream, String instance, long from, long upto, int limit)
            throws SQLException {
        List<Row> rows = query(c, ROWS_FROM, stream, instance, from, upto, Math.min((long) limit + 1, Integer.MAX_VALUE));
        if (rows.size() <= limit) {
            return new UpdateBatch(toStreamRows(rows), upto, false);
        }
        Row extra = rows.remove(limit);
        Row last = rows.get(limit - 1);
        if (extra.token() != last.token()) {
            return new UpdateBatch(toStreamRows(rows), last.token(), true);
        }
        rows.addAll(query(c, REST_OF_TOKEN, stream, instance, last.token(), last.seq(), null));
        boolean more = exists(c, stream, instance, last.token(), upto);
        return new UpdateBatch(toStreamRows(rows), more ? last.token() : upto, more);
    }

    private static List<Row> query(Connection c, String sql, String stream, String instance, long a, long b,
            Long limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, stream);
            s.setString(2, instance);
            s.setLong(3, a);
            s.setLong(4, b);
            if (limit != null) {
                s.setLong(5, limit);
            }
            // Stream big pages instead of holding the whole result in the driver at once.
            s.setFetchSize(1000);
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getInt(2), rs.getString(3)));
                }
            }
            return rows;
        }
    }

    private static boolean exists(Connection c, String stream, String instance, long after, long upto)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(ANY_AFTER)) {
            s.setString(1, stream);
            s.setString(2, instance);
            s.setLong(3, after);
            s.setLong(4, upto);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<StreamRow> toStreamRows(List<Row> rows) {
        List<StreamRow> out = new ArrayList<>(rows.size());
        for (Row row : rows) {
            // stored compact after a parse (StoredRows): no scan again per row read
            out.add(new StreamRow(row.token(), RawJson.ofStored(row.json())));
        }
        return out;
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException("Cannot read " + what + " from " + where, e);
    }

    private record Row(long token, int seq, String json) {}
}
