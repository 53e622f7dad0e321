package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterTry;
import org.myelin.protocol.RawJson;

/**
 * One writer, several workers, random writes, random link drops and worker restarts with
 * {@code --from}: afterwards every worker has printed exactly the writer's rows, in order, once.
 * jqwik reports the seed of a failing run.
 */
class RandomizedClusterTest {
    private static final int WORKERS = 3;
    private Cluster cluster;
    private Path data;

    @AfterTry
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Property(tries = 8)
    void everyWorkerPrintsExactlyTheWritersRows(@ForAll long seed) throws Exception {
        Random random = new Random(seed);
        data = Files.createTempDirectory("myelin-random");
        cluster = new Cluster(data, Cluster.FAST);
        List<String> written = new ArrayList<>();
        List<List<String>> printed = new ArrayList<>();
        List<Cluster.Recorder> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            printed.add(new CopyOnWriteArrayList<>());
            workers.add(start(w, OptionalLong.of(0), printed.get(w)));
        }
        int n = 0;
        for (int step = 0; step < 80; step++) {
            int action = random.nextInt(100);
            if (action < 70) {
                int size = 1 + random.nextInt(4);
                boolean same = random.nextBoolean();
                List<RawJson> rows = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    rows.add(RawJson.of("[" + (++n) + ",\"" + "p".repeat(random.nextInt(50)) + "\"]"));
                }
                List<Long> tokens = cluster.main.append("events", rows, same);
                for (int i = 0; i < size; i++) {
                    written.add("events " + tokens.get(i) + " " + rows.get(i).text());
                }
            } else if (action < 88) {
                Cluster.Recorder victim = workers.get(random.nextInt(WORKERS));
                victim.process.client().link().ifPresent(l -> l.close("randomized test drops the link"));
            } else {
                int w = random.nextInt(WORKERS);
                workers.get(w).process.close();
                cluster.workers.remove(workers.get(w).process);
                List<String> sofar = printed.get(w);
                long from = sofar.isEmpty() ? 0 : Long.parseLong(sofar.get(sofar.size() - 1).split(" ")[1]);
                workers.set(w, start(w, OptionalLong.of(from), sofar));
            }
        }
        long last = written.isEmpty() ? 0 : Long.parseLong(written.get(written.size() - 1).split(" ")[1]);
        for (int w = 0; w < WORKERS; w++) {
            Cluster.awaitCaughtUp(workers.get(w), "events", last);
            assertThat(printed.get(w)).as("worker %d (seed %d)", w, seed).containsExactlyElementsOf(written);
        }
    }

    /** A worker whose printed rows go to {@code output}, kept across its restarts. */
    private Cluster.Recorder start(int index, OptionalLong from, List<String> output) {
        return cluster.worker("w" + index, from, List.of("events"), Cluster.FAST, l -> l,
                new Cluster.Recorder(null, output));
    }
}
