package org.myelin.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.cache.CacheInvalidations;
import org.myelin.core.cache.CacheKey;
import org.myelin.core.cache.ReplicatedCache;
import org.myelin.core.inbound.ResumePositions;
import org.myelin.core.rows.CachesRow;
import org.myelin.core.rows.SynapseRow;
import org.myelin.protocol.RawJson;

/**
 * The README's embedding section, compiled and run: each test holds one snippet between
 * {@code // readme-begin} and {@code // readme-end}, and {@link #theReadmeShowsExactlyTheseSnippets}
 * checks that the README's java blocks of that section are the same text.
 */
class ReadmeEmbeddingTest {
    @TempDir
    Path dataDir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Long> handled = new CopyOnWriteArrayList<>();
    private MyelinNode writer;
    private int port;
    private long lastHandled;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private void startWriter() {
        writer = Myelin.writer("master").writeTo(dataDir).listenTcp("127.0.0.1", 0).start();
        toClose.add(writer);
        port = writer.tcpPort();
    }

    @Test
    void aWriter() {
        // readme-begin
        MyelinNode writer = Myelin.writer("master")
                .writeTo(dataDir)                    // an SQLite store, or writeTo(anyStreamStore)
                .listenTcp("127.0.0.1", 0)           // workers connect here: writer.tcpPort()
                .start();
        List<Long> tokens = writer.append("events",
                List.of(RawJson.of("[\"ev\",[\"$1\",\"!r:x\",\"m.room.create\",\"\",null,null,null,0,0]]")));
        // durable and streamed to every connected worker; safe from many threads
        writer.close();
        // readme-end
        assertThat(tokens).containsExactly(1L);
        assertThat(writer.closed()).isCompleted();
    }

    @Test
    void aWorker() throws Exception {
        startWriter();
        writer.append("events", List.of(RawJson.of("[\"ev\",[\"$1\",\"!r:x\",\"m.room.create\",\"\",null,null,null,0,0]]")));
        lastHandled = 0;
        // readme-begin
        MyelinNode worker = Myelin.worker("w1")
                .tcp("127.0.0.1", port)
                .catchUpFrom(dataDir)                // the writer's SQLite file, or catchUpOverHttp(url, secret)
                .follow("events")
                .resumeFrom(ResumePositions.of(Map.of("events", Map.of("master", lastHandled))))
                .onTypedRows((stream, instance, token, rows) -> handle(token, rows))
                .start();
        worker.established().get(30, TimeUnit.SECONDS);
        // ... rows arrive once, in order, whether missed while away or live
        worker.close();
        // readme-end
        assertThat(handled).containsExactly(1L);
        assertThat(worker.closed()).isCompleted();
    }

    @Test
    void aReplicatedCache() throws Exception {
        startWriter();
        writer.appendInTransaction("caches", false, connection -> {
            updateName(connection, "@a:x", "Al");
            return List.of();
        });
        // readme-begin
        CacheInvalidations caches = new CacheInvalidations();
        ReplicatedCache<String> names = caches.register("get_profile", 10_000);
        MyelinNode reader = Myelin.worker("w2").tcp("127.0.0.1", port).catchUpFrom(dataDir).caches(caches).start();
        reader.established().get(30, TimeUnit.SECONDS);
        String before = names.get(CacheKey.of("@a:x"), k -> loadName("@a:x"));
        // the writer commits a change and its invalidation together:
        long token = writer.appendInTransaction("caches", false, connection -> {
            updateName(connection, "@a:x", "Alice");
            return List.of(CachesRow.now("get_profile", List.of("@a:x")).encode());
        }).get(0);
        caches.awaitToken("master", token).get(30, TimeUnit.SECONDS);   // on the reader
        String after = names.get(CacheKey.of("@a:x"), k -> loadName("@a:x"));   // "Alice", never "Al"
        // readme-end
        toClose.add(reader);
        assertThat(before).isEqualTo("Al");
        assertThat(after).isEqualTo("Alice");
    }

    @Test
    void theReadmeShowsExactlyTheseSnippets() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("\n## Embedding");
        assertThat(section).as("README has an '## Embedding' section").isPositive();
        int end = readme.indexOf("\n## ", section + 1);
        String embedding = readme.substring(section, end < 0 ? readme.length() : end);
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(embedding);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        String source = Files.readString(Path.of("src/test/java/org/myelin/node/ReadmeEmbeddingTest.java"));
        List<String> snippets = new ArrayList<>();
        Matcher s = Pattern.compile("// readme-begin\n(.*?)\n\\s*// readme-end", Pattern.DOTALL).matcher(source);
        while (s.find()) {
            snippets.add(dedent(s.group(1)) + "\n");
        }
        assertThat(snippets).hasSize(3);
        assertThat(blocks).containsExactlyElementsOf(snippets);
        for (String snippet : snippets) {
            assertThat(snippet.lines().count()).as("under fifteen lines:\n" + snippet).isLessThan(15);
        }
    }

    private static String dedent(String text) {
        int indent = text.lines().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", text.lines().map(l -> l.length() >= indent ? l.substring(indent) : l.strip()).toList());
    }

    private void handle(long token, List<SynapseRow> rows) {
        assertThat(rows).isNotEmpty();
        handled.add(token);
    }

    private static void updateName(Connection c, String user, String name) throws SQLException {
        try (PreparedStatement create = c.prepareStatement(
                "CREATE TABLE IF NOT EXISTS profiles (user_id TEXT PRIMARY KEY, name TEXT)")) {
            create.execute();
        }
        try (PreparedStatement p = c.prepareStatement(
                "INSERT INTO profiles VALUES (?, ?) ON CONFLICT (user_id) DO UPDATE SET name = excluded.name")) {
            p.setString(1, user);
            p.setString(2, name);
            p.executeUpdate();
        }
    }

    private String loadName(String user) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("myelin.db"));
                PreparedStatement p = c.prepareStatement("SELECT name FROM profiles WHERE user_id = ?")) {
            p.setString(1, user);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
