package org.myelin.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.myelin.core.clientip.ClientIp;
import org.myelin.core.clientip.ClientIpStore;
import org.myelin.store.StoreException;

/**
 * The {@code client_ips} table on PostgreSQL, as {@code SqliteClientIps}: one row per (user, access
 * token, ip), each upsert its own statement. Throttling is the caller's.
 */
final class PgClientIps implements ClientIpStore {
    private static final String UPSERT = "INSERT INTO client_ips"
            + " (user_id, access_token, ip, user_agent, device_id, last_seen) VALUES (?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (user_id, access_token, ip) DO UPDATE SET user_agent = excluded.user_agent,"
            + " device_id = excluded.device_id, last_seen = excluded.last_seen";

    private final String where;
    private final DataSource pool;

    PgClientIps(String where, DataSource pool) {
        this.where = where;
        this.pool = pool;
    }

    @Override
    public void upsert(ClientIp ip) {
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(UPSERT)) {
            // a token or ip Synapse sends as null is kept as '' so that the key stays a key
            s.setString(1, ip.userId());
            s.setString(2, ip.accessToken() == null ? "" : ip.accessToken());
            s.setString(3, ip.ip() == null ? "" : ip.ip());
            s.setString(4, ip.userAgent());
            s.setString(5, ip.deviceId());
            s.setLong(6, ip.lastSeenMs());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("Cannot store the client IP of " + ip.userId() + " in " + where, e);
        }
    }

    List<ClientIp> of(String userId) {
        try (Connection c = pool.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT user_id, access_token, ip, user_agent, device_id,"
                        + " last_seen FROM client_ips WHERE user_id = ? ORDER BY last_seen DESC")) {
            s.setString(1, userId);
            List<ClientIp> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new ClientIp(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("Cannot read the client IPs of " + userId + " from " + where, e);
        }
    }
}
