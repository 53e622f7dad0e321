package org.myelin.store.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;
import org.myelin.store.sqlite.SqliteStoreOptions;
import org.myelin.store.sqlite.SqliteStreamStore;

/**
 * The rows kept in memory answer every read exactly as the SQLite store does, over random
 * histories with shared tokens, appends it does not see (transactional ones) and appends recorded
 * out of order, for a streamer's sequential reads and for arbitrary ones.
 */
class RecentRowsProperties {
    private static final String INSTANCE = "master";
    private static Path dir;
    private static SqliteStreamStore store;
    private static final AtomicInteger streams = new AtomicInteger();

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("myelin-recent-rows");
        store = SqliteStreamStore.open(dir, new SqliteStoreOptions(Duration.ofSeconds(5), 2, false));
    }

    @AfterContainer
    static void close() throws IOException {
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** How an append reaches the store and whether the rows in memory hear of it. */
    enum Kind { SEEN, UNSEEN_TRANSACTIONAL, SEEN_LATE }

    record Append(int size, boolean sameToken, Kind kind, int rowChars) {}

    @Provide
    Arbitrary<List<Append>> histories() {
        return Combinators.combine(
                        Arbitraries.integers().between(1, 6),
                        Arbitraries.of(true, false),
                        Arbitraries.of(Kind.SEEN, Kind.SEEN, Kind.SEEN, Kind.SEEN, Kind.UNSEEN_TRANSACTIONAL,
                                Kind.SEEN_LATE),
                        Arbitraries.integers().between(1, 40))
                .as(Append::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }

    @Property(tries = 300)
    void answersAsTheStoreDoes(@ForAll("histories") List<Append> history,
            @ForAll @IntRange(min = 1, max = 9) int limit,
            @ForAll @IntRange(min = 0, max = 200) int from,
            @ForAll @IntRange(min = 0, max = 200) int upto) throws Exception {
        String stream = "s" + streams.incrementAndGet();
        UpdateFunction fromStore = store.updateFunction(stream);
        RecentRows recent = new RecentRows(INSTANCE, fromStore);
        List<List<Long>> lateTokens = new ArrayList<>();
        List<List<String>> lateTexts = new ArrayList<>();
        for (Append a : history) {
            List<RawJson> rows = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                String text = "[\"" + "x".repeat(a.rowChars()) + i + "\"]";
                rows.add(RawJson.of(text));
                texts.add(text);
            }
            switch (a.kind()) {
                case UNSEEN_TRANSACTIONAL -> store.appendInTransaction(stream, INSTANCE, a.sameToken(), c -> rows);
                case SEEN -> {
                    List<Long> tokens = store.append(stream, INSTANCE, rows, a.sameToken());
                    recent.appended(tokens, texts);
                }
                case SEEN_LATE -> { // another thread's append, recorded after later ones
                    lateTokens.add(store.append(stream, INSTANCE, rows, a.sameToken()));
                    lateTexts.add(texts);
                }
            }
            if (!lateTokens.isEmpty() && a.kind() == Kind.SEEN) {
                recent.appended(lateTokens.remove(0), lateTexts.remove(0));
            }
        }
        long top = store.currentToken(stream, INSTANCE);

        // arbitrary reads: whatever is asked, the answer is the store's
        assertThat(recent.getUpdates(INSTANCE, from % (top + 2), upto % (top + 2), limit))
                .isEqualTo(fromStore.getUpdates(INSTANCE, from % (top + 2), upto % (top + 2), limit));
        assertThat(recent.getUpdates("other", 0, top, limit)).isEqualTo(fromStore.getUpdates("other", 0, top, limit));

        // a streamer's reads: from where the last one ended, up to the current token
        long cursor = 0;
        while (cursor < top) {
            UpdateBatch got = recent.getUpdates(INSTANCE, cursor, top, limit);
            assertThat(got).isEqualTo(fromStore.getUpdates(INSTANCE, cursor, top, limit));
            cursor = got.uptoToken();
        }
        // and reads of what it dropped still come right (from the store)
        assertThat(recent.getUpdates(INSTANCE, 0, top, limit)).isEqualTo(fromStore.getUpdates(INSTANCE, 0, top, limit));
    }

    @Property(tries = 20)
    void aStreamerKeepingUpReadsNothingFromTheStore(@ForAll @IntRange(min = 1, max = 200) int batches,
            @ForAll @IntRange(min = 1, max = 100) int limit) throws Exception {
        String stream = "s" + streams.incrementAndGet();
        UpdateFunction fromStore = store.updateFunction(stream);
        RecentRows recent = new RecentRows(INSTANCE, fromStore);
        long cursor = store.currentToken(stream, INSTANCE);
        for (int b = 0; b < batches; b++) {
            List<RawJson> rows = List.of(RawJson.of("[" + b + "]"), RawJson.of("[" + b + ",1]"));
            List<Long> tokens = store.append(stream, INSTANCE, rows, b % 3 == 0);
            recent.appended(tokens, rows.stream().map(RawJson::text).toList());
            long top = tokens.get(tokens.size() - 1);
            while (cursor < top) {
                UpdateBatch got = recent.getUpdates(INSTANCE, cursor, top, limit);
                assertThat(got).isEqualTo(fromStore.getUpdates(INSTANCE, cursor, top, limit));
                cursor = got.uptoToken();
            }
        }
        assertThat(recent.hitsAndMisses()[1]).as("reads that went to the store").isZero();
    }

    @Property(tries = 10)
    void staysBoundedWhenNobodyReads(@ForAll @IntRange(min = 1, max = 5) int rowsPerAppend) {
        RecentRows recent = new RecentRows(INSTANCE, (i, f, u, l) -> UpdateBatch.empty(u));
        long token = 0;
        for (int i = 0; i < RecentRows.MAX_ROWS * 2 / rowsPerAppend; i++) {
            List<Long> tokens = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int r = 0; r < rowsPerAppend; r++) {
                tokens.add(++token);
                texts.add("[1]");
            }
            recent.appended(tokens, texts);
        }
        assertThat(recent.size()).isLessThanOrEqualTo(RecentRows.MAX_ROWS);
        recent.appended(List.of(++token), List.of("\"" + "y".repeat((int) RecentRows.MAX_CHARS) + "\""));
        assertThat(recent.size()).as("one row over the character bound is not kept").isZero();
    }
}
