package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.rows.CachesRow;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.myelin.tcp.EngineLinks;
import org.myelin.tcp.TcpClient;
import org.myelin.tcp.TcpServer;

/**
 * The whole story on real parts: a writer changes a table and appends the invalidation in one
 * SQLite transaction, a worker caches what it reads from that table, and once the write's token is
 * applied on the worker no read returns the old value, while another thread keeps loading the same
 * key (so loads overlap invalidations).
 */
class TransactionalInvalidationTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path data;
    private final List<AutoCloseable> parts = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = parts.size() - 1; i >= 0; i--) {
            parts.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T part) {
        parts.add(part);
        return part;
    }

    private static void setName(Connection c, String user, String name) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS profiles (user_id TEXT PRIMARY KEY, name TEXT)");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO profiles VALUES (?, ?)"
                + " ON CONFLICT (user_id) DO UPDATE SET name = excluded.name")) {
            p.setString(1, user);
            p.setString(2, name);
            p.executeUpdate();
        }
    }

    private String loadName(String user) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("myelin.db"));
                PreparedStatement p = c.prepareStatement("SELECT name FROM profiles WHERE user_id = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadAfterTheTokenNeverReturnsWhatTheTransactionReplaced() throws Exception {
        // The writer: a store, an engine streaming `caches`, a TCP server.
        SqliteStreamStore store = keep(SqliteStreamStore.open(data));
        AtomicLong cachesToken = new AtomicLong(store.currentToken("caches", "master"));
        ReplicationEngine writer = keep(ReplicationEngine.builder("master")
                .write(new OutboundStream("caches", cachesToken::get, store.updateFunction("caches")))
                .build());
        TcpServer server = keep(TcpServer.start("127.0.0.1", 0, "test.local", Cluster.FAST, new EngineLinks(writer)));
        store.appendInTransaction("caches", "master", false, c -> {
            setName(c, "@a:x", "v0");
            return List.of();
        });

        // The worker: a cache of what it reads from the table, invalidated by `caches` rows.
        CacheInvalidations caches = new CacheInvalidations();
        ReplicatedCache<String> names = caches.register("get_profile", 1000);
        SqliteStreamStore readOnly = keep(SqliteStreamStore.openExisting(data));
        ReplicationEngine worker = keep(ReplicationEngine.builder("w1")
                .follow(InboundStreams.of(Map.of("caches", readOnly.updateFunction("caches"))),
                        caches.wrap((stream, instance, token, rows) -> {}))
                .build());
        keep(new TcpClient("127.0.0.1", server.port(), "w1", "test.local", Cluster.FAST, new EngineLinks(worker))
                .start());
        caches.awaitToken("master", 0).get(WAIT_SECONDS, TimeUnit.SECONDS);
        CacheKey key = CacheKey.of("@a:x");
        assertThat(names.get(key, k -> loadName("@a:x"))).isEqualTo("v0");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger backgroundReads = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (writing.get()) {
                names.get(key, k -> loadName("@a:x"));
                backgroundReads.incrementAndGet();
            }
        });
        for (int v = 1; v <= 50; v++) {
            String value = "v" + v;
            List<Long> tokens = store.appendInTransaction("caches", "master", false, c -> {
                setName(c, "@a:x", value);
                return List.of(CachesRow.now("get_profile", List.of("@a:x")).encode());
            });
            cachesToken.accumulateAndGet(tokens.get(0), Math::max);
            writer.poke();
            caches.awaitToken("master", tokens.get(0)).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(names.get(key, k -> loadName("@a:x"))).as("after token %d", tokens.get(0)).isEqualTo(value);
        }
        writing.set(false);
        reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(backgroundReads.get()).isPositive();
        assertThat(names.get(key, k -> loadName("@a:x"))).isEqualTo("v50");
    }
}
