package org.myelin.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.myelin.http.catchup.StreamUpdatesHandler;

/**
 * The floors the catch-up is compared with, measured in the same run on the same rows: a plain JDBC
 * scan of the rows (one forward-only query, each row's token and text read, nothing else), or raw
 * HTTP GETs of the same pages from the same endpoint (bodies received, not parsed).
 */
final class CatchUpBaseline {
    private static final String SCAN = "SELECT token, row_json FROM stream_rows WHERE stream = ? AND instance = ?"
            + " ORDER BY token, seq";

    private CatchUpBaseline() {}

    /** What a baseline read: rows and seconds. */
    record Rate(long rows, double seconds) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** Reads every row of {@code stream} by {@code instance} from the SQLite file, read-only. */
    static Rate sqlite(java.nio.file.Path dbFile, String stream, String instance) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + dbFile + "?mode=ro")) {
            return scan(c, stream, instance);
        }
    }

    /** Reads every row from PostgreSQL with a server-side cursor (autocommit off, a fetch size). */
    static Rate postgres(String jdbcUrl, String schema, String stream, String instance) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET search_path = " + schema);
            }
            c.setAutoCommit(false);
            Rate rate = scan(c, stream, instance);
            c.commit();
            return rate;
        }
    }

    private static Rate scan(Connection c, String stream, String instance) throws SQLException {
        long start = System.nanoTime();
        long rows = 0;
        long check = 0;
        try (PreparedStatement s = c.prepareStatement(SCAN)) {
            s.setFetchSize(10_000);
            s.setString(1, stream);
            s.setString(2, instance);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    check += rs.getLong(1) + rs.getString(2).length();
                    rows++;
                }
            }
        }
        if (check == 42) {
            System.out.print(""); // keeps the reads from being optimised away
        }
        return new Rate(rows, (System.nanoTime() - start) / 1e9);
    }

    /**
     * GETs tokens (0, last] in pages of {@code pageRows} from the catch-up endpoint, as the worker
     * asks (each row has its own token, so a page (a, a + pageRows] is never limited).
     */
    static Rate http(HttpClient client, URI base, String secret, String stream, long last, int pageRows)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        long bytes = 0;
        int page = 0;
        for (long from = 0; from < last; from += pageRows) {
            long upto = Math.min(last, from + pageRows);
            URI uri = base.resolve(StreamUpdatesHandler.PATH + stream + "/baseline-" + (++page) + "?from_token=" + from
                    + "&upto_token=" + upto + "&limit=" + pageRows);
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + secret).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new BenchFailure("baseline GET " + uri + " answered " + r.statusCode());
            }
            bytes += r.body().length;
        }
        if (bytes == 42) {
            System.out.print("");
        }
        return new Rate(last, (System.nanoTime() - start) / 1e9);
    }
}
