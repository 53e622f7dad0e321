package org.myelin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;

/**
 * What every {@link StreamStore} must do, whatever the database: each subclass runs it against
 * its own (SQLite in a temporary directory, PostgreSQL in a schema of its own).
 */
public abstract class StreamStoreContract {

    /** Opens (again) the writer's store on this test's database, creating it as needed. */
    protected abstract StreamStore openWriter();

    /** Opens a reader's store (read-only) on this test's database, which a writer created. */
    protected abstract StreamStore openReader();

    protected static RawJson json(String text) {
        return RawJson.of(text);
    }

    protected static List<RawJson> rows(String... texts) {
        return java.util.Arrays.stream(texts).map(RawJson::of).toList();
    }

    @Test
    void appendsRowsWithIncreasingTokensAndReadsThemBack() throws Exception {
        try (StreamStore store = openWriter()) {
            assertThat(store.append("events", "master", rows("[\"$a\"]", "[\"$b\"]"), false))
                    .containsExactly(1L, 2L);
            assertThat(store.append("events", "master", rows("[\"$c\"]"), false)).containsExactly(3L);
            assertThat(store.currentToken("events", "master")).isEqualTo(3);

            UpdateFunction updates = store.updateFunction("events");
            UpdateBatch all = updates.getUpdates("master", 0, 3, 100);
            assertThat(all.rows()).containsExactly(
                    new StreamRow(1, json("[\"$a\"]")),
                    new StreamRow(2, json("[\"$b\"]")),
                    new StreamRow(3, json("[\"$c\"]")));
            assertThat(all.limited()).isFalse();
            assertThat(all.uptoToken()).isEqualTo(3);

            assertThat(updates.getUpdates("master", 1, 2, 100).rows())
                    .containsExactly(new StreamRow(2, json("[\"$b\"]")));
        }
    }

    @Test
    void sameTokenBatchesShareOneTokenAndStayInOrder() {
        try (StreamStore store = openWriter()) {
            store.append("caches", "master", rows("[1]"), false);
            assertThat(store.append("caches", "master", rows("[2]", "[3]", "[4]"), true))
                    .containsExactly(2L, 2L, 2L);
            assertThat(store.append("caches", "master", rows("[5]"), true)).containsExactly(3L);

            UpdateBatch batch = store.getUpdates("caches", "master", 0, 10, 100);
            assertThat(batch.rows()).extracting(r -> r.token() + ":" + r.row().text())
                    .containsExactly("1:[1]", "2:[2]", "2:[3]", "2:[4]", "3:[5]");
            assertThat(batch.uptoToken()).isEqualTo(10);
        }
    }

    @Test
    void aLimitedPageNeverSplitsAToken() {
        try (StreamStore store = openWriter()) {
            store.append("s", "w", rows("[1]"), false);
            store.append("s", "w", rows("[2]", "[3]", "[4]"), true);
            store.append("s", "w", rows("[5]"), false);

            UpdateBatch first = store.getUpdates("s", "w", 0, 3, 2);
            assertThat(first.rows()).extracting(StreamRow::token).containsExactly(1L, 2L, 2L, 2L);
            assertThat(first.limited()).isTrue();
            assertThat(first.uptoToken()).isEqualTo(2);

            UpdateBatch second = store.getUpdates("s", "w", 2, 3, 2);
            assertThat(second.rows()).extracting(StreamRow::token).containsExactly(3L);
            assertThat(second.limited()).isFalse();
            assertThat(second.uptoToken()).isEqualTo(3);
        }
    }

    @Test
    void aPageEndingExactlyAtTheLastRowIsNotLimited() {
        try (StreamStore store = openWriter()) {
            store.append("s", "w", rows("[1]", "[2]"), true);
            UpdateBatch batch = store.getUpdates("s", "w", 0, 5, 1);
            assertThat(batch.rows()).hasSize(2);
            assertThat(batch.limited()).isFalse();
            assertThat(batch.uptoToken()).isEqualTo(5);
        }
    }

    /**
     * Each writer reads back only its own rows under its own tokens. (Whether a second writer's
     * tokens start at 1, as on SQLite, or continue the stream's shared sequence, as on PostgreSQL,
     * is the store's choice; either way they only grow.)
     */
    @Test
    void streamsAndInstancesAreSeparate() {
        try (StreamStore store = openWriter()) {
            store.append("events", "master", rows("[1]", "[2]"), false);
            long persister = store.append("events", "persister1", rows("[3]"), false).get(0);
            store.append("typing", "master", rows("[4]"), false);

            assertThat(persister).isPositive();
            assertThat(store.currentToken("events", "persister1")).isEqualTo(persister);
            assertThat(store.getUpdates("events", "persister1", 0, 10, 10).rows())
                    .containsExactly(new StreamRow(persister, json("[3]")));
            assertThat(store.getUpdates("events", "master", 0, 10, 10).rows())
                    .extracting(r -> r.row().text()).containsExactly("[1]", "[2]");
            assertThat(store.positions()).containsExactly(
                    new StreamPosition("events", "master", 2),
                    new StreamPosition("events", "persister1", persister),
                    new StreamPosition("typing", "master", 1));
        }
    }

    @Test
    void rowsAreStoredInCanonicalText() {
        RawJson spaced = RawJson.of("[ \"caf\u00e9\" , 1 ]");
        try (StreamStore store = openWriter()) {
            store.append("s", "w", List.of(spaced), false);
            String stored = store.getUpdates("s", "w", 0, 1, 1).rows().get(0).row().text();
            assertThat(stored).isEqualTo(spaced.canonicalText()).doesNotContain(" ");
            assertThat(stored.chars()).allMatch(ch -> ch < 128);
        }
    }

    @Test
    void emptyAppendsUseNoToken() {
        try (StreamStore store = openWriter()) {
            assertThat(store.append("s", "w", List.of(), false)).isEmpty();
            assertThat(store.append("s", "w", List.of(), true)).isEmpty();
            assertThat(store.currentToken("s", "w")).isZero();
            assertThat(store.append("s", "w", rows("[1]"), false)).containsExactly(1L);
        }
    }

    @Test
    void anInvalidRowFailsTheWholeAppendWithoutUsingATokenOrWritingAnything() {
        try (StreamStore store = openWriter()) {
            assertThatThrownBy(() -> store.append("s", "w", rows("[1]", "[not json"), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 1");
            // compact ASCII already, yet not JSON: stored, it would be a poison row for every reader
            assertThatThrownBy(() -> store.append("s", "w", rows("[\"a\",", "[1]"), false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 0");
            assertThat(store.currentToken("s", "w")).isZero();
            assertThat(store.getUpdates("s", "w", 0, 10, 10).rows()).isEmpty();
        }
    }

    @Test
    void emptyRangesAndBadLimits() {
        try (StreamStore store = openWriter()) {
            store.append("s", "w", rows("[1]"), false);
            assertThat(store.getUpdates("s", "w", 1, 1, 10)).isEqualTo(UpdateBatch.empty(1));
            assertThat(store.getUpdates("s", "w", 5, 9, 10)).isEqualTo(UpdateBatch.empty(9));
            assertThatThrownBy(() -> store.getUpdates("s", "w", 0, 1, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.append("", "w", rows("[1]"), false))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRestartedWriterContinuesFromItsPersistedTokens() {
        try (StreamStore store = openWriter()) {
            store.append("events", "master", rows("[1]", "[2]"), false);
            store.append("caches", "master", rows("[3]", "[4]"), true);
        }
        try (StreamStore store = openWriter()) {
            assertThat(store.currentToken("events", "master")).isEqualTo(2);
            assertThat(store.append("events", "master", rows("[5]"), false)).containsExactly(3L);
            assertThat(store.append("caches", "master", rows("[6]"), false)).containsExactly(2L);
            assertThat(store.getUpdates("events", "master", 0, 3, 10).rows())
                    .extracting(StreamRow::token).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aReaderSeesRowsTheWriterAppendsWhileBothAreOpen() throws Exception {
        try (StreamStore writer = openWriter()) {
            writer.append("events", "master", rows("[1]"), false);
            try (StreamStore worker = openReader()) {
                assertThat(worker.currentToken("events", "master")).isEqualTo(1);

                writer.append("events", "master", rows("[2]", "[3]"), true);

                assertThat(worker.currentToken("events", "master")).isEqualTo(2);
                assertThat(worker.updateFunction("events").getUpdates("master", 1, 2, 10).rows())
                        .containsExactly(new StreamRow(2, json("[2]")), new StreamRow(2, json("[3]")));
                assertThat(worker.positions()).containsExactly(new StreamPosition("events", "master", 2));
            }
        }
    }

    @Test
    void aReaderCanReadAfterTheWriterHasStopped() {
        try (StreamStore writer = openWriter()) {
            writer.append("events", "master", rows("[1]"), false);
        }
        try (StreamStore worker = openReader()) {
            assertThat(worker.getUpdates("events", "master", 0, 1, 10).rows()).hasSize(1);
        }
    }

    @Test
    void aReaderCannotAppend() {
        openWriter().close();
        try (StreamStore worker = openReader()) {
            assertThatThrownBy(() -> worker.append("s", "w", rows("[1]"), false))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("read-only");
        }
    }

    @Test
    void aClosedStoreRefusesCalls() {
        StreamStore store = openWriter();
        store.close();
        store.close();
        assertThatThrownBy(() -> store.currentToken("s", "w")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.append("s", "w", rows("[1]"), false))
                .isInstanceOf(IllegalStateException.class);
    }
}
