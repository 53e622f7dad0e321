package org.myelin.store.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.ReplicateCommand;
import org.myelin.store.sqlite.SqliteStreamStore;

/** The writer API on a real SQLite store and a real engine, seen by a recording link. */
class StreamWriterTest {
    @TempDir
    Path dir;
    private SqliteStreamStore store;
    private ReplicationEngine engine;
    private StreamWriter writer;
    private final Recorder link = new Recorder();

    @BeforeEach
    void start() {
        store = SqliteStreamStore.open(dir);
        writer = new StreamWriter(store, "master", List.of("events"));
        ReplicationEngine.Builder builder = ReplicationEngine.builder("master");
        writer.addTo(builder);
        engine = builder.build();
        writer.attach(engine);
        engine.connected(link);
        engine.received(link, new ReplicateCommand());
        await().atMost(Duration.ofSeconds(30)).until(() -> !link.commands.isEmpty());
    }

    @AfterEach
    void stop() {
        engine.close();
        store.close();
    }

    @Test
    void appendsAreDurableAndStreamed() {
        List<Long> tokens = writer.append("events", List.of(RawJson.of("[\"a\"]"), RawJson.of("[\"b\"]")));
        assertThat(tokens).containsExactly(1L, 2L);
        assertThat(writer.append("events", List.of(RawJson.of("[\"c\"]"), RawJson.of("[\"d\"]")), true))
                .containsExactly(3L, 3L);
        assertThat(store.currentToken("events", "master")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(30)).until(() -> rdata("events").size() == 4);
        // rows sharing a token go as a batch: every RDATA but the last of the token carries "batch"
        assertThat(rdata("events")).extracting(RdataCommand::token).containsExactly(1L, 2L, null, 3L);
        assertThat(writer.positions()).containsEntry("events", 3L);
    }

    @Test
    void theStreamerReadsWhatWasJustAppendedFromMemoryNotTheStore() {
        for (int i = 1; i <= 50; i++) {
            writer.append("events", List.of(RawJson.of("[\"r" + i + "\"]"), RawJson.of("{\"k\": " + i + "}")), i % 2 == 0);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> rdata("events").size() == 100);
        // the rows as stored: compact, whatever spacing they were appended with
        assertThat(rdata("events").get(1).row().text()).isEqualTo("{\"k\":1}");
        long[] hitsAndMisses = writer.recentRowsReads("events");
        assertThat(hitsAndMisses[0]).as("reads answered from memory").isPositive();
        assertThat(hitsAndMisses[1]).as("reads that went to the store").isZero();
    }

    @Test
    void aNewStreamIsAnnouncedWithAPositionBeforeItsRows() {
        writer.append("my.stream", List.of(RawJson.of("{\"x\":1}")));
        await().atMost(Duration.ofSeconds(30)).until(() -> rdata("my.stream").size() == 1);
        int position = -1;
        int row = -1;
        for (int i = 0; i < link.commands.size(); i++) {
            Command c = link.commands.get(i);
            if (c instanceof PositionCommand p && p.stream().equals("my.stream") && position < 0) {
                position = i;
            }
            if (c instanceof RdataCommand r && r.stream().equals("my.stream") && row < 0) {
                row = i;
            }
        }
        assertThat(position).isNotNegative().isLessThan(row);
        assertThat(writer.updates("my.stream")).isPresent();
        assertThat(writer.updates("unknown")).isEmpty();
    }

    @Test
    void manyThreadsGetDistinctTokensAndEveryRowIsStreamedInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        String stream = i % 2 == 0 ? "events" : "fresh";
                        mine.addAll(writer.append(stream, List.of(RawJson.of("[" + thread + "," + i + "]"))));
                    }
                    return mine;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(200); // 200 per stream, tokens shared across the two streams' ranges
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> rdata("events").size() == 200 && rdata("fresh").size() == 200);
        assertThat(rdata("events")).extracting(RdataCommand::token).isSorted().doesNotHaveDuplicates();
        assertThat(rdata("fresh")).extracting(RdataCommand::token).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void theTransactionalVariantCommitsTheWorkWithTheRowsAndStreamsThem() {
        List<Long> tokens = writer.appendInTransaction("caches", false, connection -> {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE profiles (user_id TEXT PRIMARY KEY, name TEXT)");
                s.execute("INSERT INTO profiles VALUES ('@a:x', 'Alice')");
            }
            return List.of(RawJson.of("[\"get_profile\",[\"@a:x\"],1]"));
        });
        assertThat(tokens).containsExactly(1L);
        await().atMost(Duration.ofSeconds(30)).until(() -> rdata("caches").size() == 1);
        assertThatThrownBy(() -> writer.appendInTransaction("caches", false, connection -> {
            throw new java.sql.SQLException("no");
        })).isInstanceOf(org.myelin.store.StoreException.class);
        assertThat(writer.currentToken("caches")).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedClearly() {
        assertThatThrownBy(() -> writer.append("..", List.of(RawJson.of("1"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream names");
        StreamWriter unattached = new StreamWriter(store, "other", List.of());
        assertThatThrownBy(() -> unattached.append("events", List.of(RawJson.of("1"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("attach");
    }

    private List<RdataCommand> rdata(String stream) {
        List<RdataCommand> out = new ArrayList<>();
        for (Command c : link.commands) {
            if (c instanceof RdataCommand r && r.stream().equals(stream)) {
                out.add(r);
            }
        }
        return out;
    }

    private static final class Recorder implements ReplicationConnection {
        final List<Command> commands = new CopyOnWriteArrayList<>();

        @Override
        public String describe() {
            return "recorder";
        }

        @Override
        public void send(Command command) {
            commands.add(command);
        }

        @Override
        public void close(String errorReason) {}
    }
}
