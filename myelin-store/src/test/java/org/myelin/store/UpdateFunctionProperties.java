package org.myelin.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.myelin.core.stream.StreamRow;
import org.myelin.core.stream.UpdateBatch;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.protocol.RawJson;
import org.myelin.store.postgres.PostgresStreamStore;
import org.myelin.store.postgres.TestPostgres;
import org.myelin.store.sqlite.SqliteStoreOptions;
import org.myelin.store.sqlite.SqliteStreamStore;
import org.slf4j.LoggerFactory;

/**
 * The update function's contract, against random histories: paging until not limited returns
 * exactly the stored rows in range, in order, each once, with every token whole in one page.
 * Every try runs on SQLite and on PostgreSQL (when reachable; required under {@code CI=true}).
 */
class UpdateFunctionProperties {
    private static final List<String> INSTANCES = List.of("a", "b");
    /** One store per database for all tries, each try on its own stream: opening a store is the slow part. */
    private static Path dir;
    private static final List<StreamStore> stores = new ArrayList<>();
    private static TestPostgres postgres;
    private static final AtomicInteger streams = new AtomicInteger();

    @BeforeContainer
    static void openStores() throws IOException {
        dir = Files.createTempDirectory("myelin-store-properties");
        // No fsync per commit: durability is not what is tested here, and it keeps the run short.
        stores.add(SqliteStreamStore.open(dir, new SqliteStoreOptions(Duration.ofSeconds(5), 2, false)));
        if (TestPostgres.available() || "true".equalsIgnoreCase(System.getenv("CI"))) {
            postgres = TestPostgres.create();
            stores.add(PostgresStreamStore.open(postgres.fastOptions()));
        } else {
            LoggerFactory.getLogger(UpdateFunctionProperties.class).warn(
                    "PostgreSQL at {} is unreachable: the properties run on SQLite only", TestPostgres.url());
        }
    }

    @AfterContainer
    static void closeStores() throws IOException {
        stores.forEach(StreamStore::close);
        stores.clear();
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One append: which writer, how many rows, whether they share a token. */
    record Append(String instance, int size, boolean sameToken) {}

    @Provide
    Arbitrary<List<Append>> histories() {
        return Combinators.combine(
                        Arbitraries.of(INSTANCES),
                        Arbitraries.integers().between(1, 5),
                        Arbitraries.of(true, false))
                .as(Append::new)
                .list()
                .ofMaxSize(25);
    }

    @Property(tries = 500)
    void pagingReturnsEachRowInRangeOnceInOrderWithoutSplittingTokens(
            @ForAll("histories") List<Append> history,
            @ForAll @IntRange(min = 0, max = 60) int from,
            @ForAll @IntRange(min = 0, max = 80) int span,
            @ForAll @IntRange(min = 1, max = 8) int limit) throws Exception {
        for (StreamStore store : stores) {
            checkPaging(store, history, from, span, limit);
        }
    }

    private static void checkPaging(StreamStore store, List<Append> history, int from, int span, int limit)
            throws Exception {
        String stream = "s" + streams.incrementAndGet();
        Map<String, List<StreamRow>> written = write(store, stream, history);
        UpdateFunction updates = store.updateFunction(stream);
        long upto = from + span - 20L; // sometimes below from: an empty range

        for (String instance : INSTANCES) {
            List<StreamRow> all = written.get(instance);
            List<StreamRow> expected = all.stream().filter(r -> r.token() > from && r.token() <= upto).toList();
            Map<Long, Long> rowsPerToken = countByToken(all);

            List<StreamRow> got = new ArrayList<>();
            long cursor = from;
            for (int pages = 0; ; pages++) {
                assertThat(pages).as("pages needed").isLessThanOrEqualTo(expected.size() + 1);
                UpdateBatch page = updates.getUpdates(instance, cursor, upto, limit);
                checkPage(page, cursor, upto, limit, rowsPerToken);
                got.addAll(page.rows());
                if (!page.limited()) {
                    break;
                }
                cursor = page.uptoToken();
            }
            assertThat(got).isEqualTo(expected);
        }
    }

    private static void checkPage(UpdateBatch page, long from, long upto, int limit, Map<Long, Long> rowsPerToken) {
        List<StreamRow> rows = page.rows();
        assertThat(rows).allSatisfy(r -> assertThat(r.token()).isGreaterThan(from).isLessThanOrEqualTo(upto));
        // Every token in the page is whole: tokens are never split across pages.
        countByToken(rows).forEach((token, n) -> assertThat(n).as("rows of token %d", token)
                .isEqualTo(rowsPerToken.get(token)));
        if (page.limited()) {
            assertThat(rows).isNotEmpty();
            long last = rows.get(rows.size() - 1).token();
            assertThat(page.uptoToken()).isEqualTo(last).isLessThan(upto);
            assertThat(rows.size()).as("a limited page has at least limit rows").isGreaterThanOrEqualTo(limit);
        } else {
            assertThat(page.uptoToken()).isEqualTo(upto);
        }
        if (!rows.isEmpty()) {
            // "About limit": only the last token may take the page past the limit.
            long last = rows.get(rows.size() - 1).token();
            long beforeLast = rows.stream().filter(r -> r.token() != last).count();
            assertThat(beforeLast).isLessThan(limit);
        }
    }

    private static Map<String, List<StreamRow>> write(StreamStore store, String stream, List<Append> history) {
        Map<String, List<StreamRow>> written = new HashMap<>();
        INSTANCES.forEach(i -> written.put(i, new ArrayList<>()));
        int n = 0;
        for (Append append : history) {
            List<RawJson> rows = new ArrayList<>();
            for (int k = 0; k < append.size(); k++) {
                rows.add(RawJson.of("[" + n++ + "]"));
            }
            List<Long> tokens = store.append(stream, append.instance(), rows, append.sameToken());
            List<StreamRow> log = written.get(append.instance());
            long previous = log.isEmpty() ? 0 : log.get(log.size() - 1).token();
            // Each writer's tokens grow (by one on SQLite; past the other writer's on PostgreSQL).
            assertThat(tokens.get(0)).isGreaterThan(previous);
            for (int k = 0; k < rows.size(); k++) {
                log.add(new StreamRow(tokens.get(k), rows.get(k)));
            }
        }
        return written;
    }

    private static Map<Long, Long> countByToken(List<StreamRow> rows) {
        Map<Long, Long> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r.token(), 1L, Long::sum));
        return counts;
    }
}
