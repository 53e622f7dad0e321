package org.myelin.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.protocol.RawJson;
import org.myelin.store.StoreException;
import org.myelin.store.StreamPosition;

/**
 * Reads rows and positions through the pool of read-only connections. In WAL mode these never wait
 * for the writer and see every transaction committed before their own began.
 */
final class RowReader {
    private static final String ROWS_FROM =
            "SELECT token, seq, row_json FROM stream_rows"
                    + " WHERE stream = ? AND instance = ? AND token > ? AND token <= ?"
                    + " ORDER BY token, seq LIMIT ?";
    private static final String REST_OF_TOKEN =
            "SELECT token, seq, row_json FROM stream_rows"
                    + " WHERE stream = ? AND instance = ? AND token = ? AND seq > ? ORDER BY seq";
    private static final String ANY_AFTER =
            "SELECT 1 FROM stream_rows WHERE stream = ? AND instance = ? AND token > ? AND token <= ? LIMIT 1";

    private final Path file;
    private final DataSource readers;

    RowReader(Path file, DataSource readers) {
        this.file = file;
        this.readers = readers;
    }

    long currentToken(String stream, String instance) {
        try (Connection c = readers.getConnection();
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

    List<StreamPosition> positions() {
        try (Connection c = readers.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT stream, instance, token FROM stream_positions ORDER BY stream, instance")) {
            List<StreamPosition> positions = new ArrayList<>();
            while (rs.next()) {
                positions.add(new StreamPosition(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
            return positions;
        } catch (SQLException e) {
            throw failure("the stream positions", e);
        }
    }

    /**
     * Reads one page. Asks for one row more than the limit to learn whether more follow; when that
     * extra row shares the last token, the rest of that token is read too (tokens are never split)
     * and a last probe tells whether anything lies beyond it. All in one read transaction, so the
     * answer is one snapshot even while the writer commits.
     */
    UpdateBatch getUpdates(String stream, String instance, long from, long upto, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        if (upto <= from) {
            return UpdateBatch.empty(upto);
        }
        try (Connection c = readers.getConnection()) {
            execute(c, "BEGIN");
            UpdateBatch batch;
            try {
                batch = page(c, stream, instance, from, upto, limit);
            } catch (SQLException | RuntimeException e) {
                try {
                    execute(c, "ROLLBACK");
                } catch (SQLException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
            execute(c, "COMMIT");
            return batch;
        } catch (SQLException e) {
            throw failure("rows (" + from + ", " + upto + "] of " + stream + "/" + instance, e);
        }
    }

    private UpdateBatch page(Connection c, String stream, String instance, long from, long upto, int limit)
            throws SQLException {
        List<Row> rows = query(c, ROWS_FROM, stream, instance, from, upto, (long) limit + 1);
        if (rows.size() <= limit) {
            return new UpdateBatch(toStreamRows(rows), upto, false);
        }
        Row extra = rows.remove(limit);
        Row last = rows.get(limit - 1);
        if (extra.token() != last.token()) {
            return new UpdateBatch(toStreamRows(rows), last.token(), true);
        }
        rows.addAll(query(c, REST_OF_TOKEN, stream, instance, last.token(), last.seq()));
        boolean more = exists(c, stream, instance, last.token(), upto);
        return new UpdateBatch(toStreamRows(rows), more ? last.token() : upto, more);
    }

    private static List<Row> query(Connection c, String sql, String stream, String instance, long a, long b)
            throws SQLException {
        return query(c, sql, stream, instance, a, b, null);
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
            // stored compact after a parse (StoredRows): wrapped without a scan per row read
            out.add(new StreamRow(row.token(), RawJson.ofStored(row.json())));
        }
        return out;
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException("Cannot read " + what + " from " + file, e);
    }

    /** One row as stored. */
    private record Row(long token, int seq, String json) {}
}
