package org.myelin.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.protocol.Json;
import org.myelin.protocol.RawJson;
import org.myelin.server.CliRun;
import org.slf4j.LoggerFactory;

/** {@code myelin worker} as a real program: resuming with {@code --state}, stopping, failing output. */
class WorkerProgramTest {
    @TempDir
    Path tmp;
    private Cluster cluster;
    private final List<Program> programs = new ArrayList<>();

    @AfterEach
    void stop() {
        programs.forEach(Program::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private Program worker(String errName, boolean readOut, String... extra) throws Exception {
        Program p = Program.start(tmp.resolve(errName), readOut, workerArgs(extra));
        programs.add(p);
        return p;
    }

    private String[] workerArgs(String... extra) {
        List<String> args = new ArrayList<>(List.of("worker", "--name", "w", "--data", cluster.main.data().toString(),
                "--connect", "127.0.0.1:" + cluster.main.tcpPort(), "--server-name", "test.local"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Appends {@code n} rows, each its own token, named {@code prefix + i}. */
    private void append(String stream, String prefix, int from, int n) {
        List<RawJson> rows = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            rows.add(RawJson.of("[\"" + prefix + i + "\"]"));
        }
        cluster.main.append(stream, rows, false);
    }

    /** "stream token row" of each printed line. */
    private static List<String> parse(List<String> lines) {
        return lines.stream().map(Json::parse)
                .map(j -> j.get("stream").asText() + " " + j.get("token").asLong() + " " + j.get("row"))
                .toList();
    }

    @Test
    void withStateAWorkerOfTwoStreamsStoppedAndRestartedPrintsEveryRowExactlyOnce() throws Exception {
        cluster = new Cluster(tmp.resolve("main"), Cluster.FAST);
        append("events", "e", 1, 300);
        append("typing", "t", 1, 50);
        Path state = tmp.resolve("worker.state");
        // a writer keeps appending to both streams while the worker is stopped and restarted
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger events = new AtomicInteger(300);
        AtomicInteger typing = new AtomicInteger(50);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (writing.get()) {
                append("events", "e", events.get() + 1, 5);
                events.addAndGet(5);
                append("typing", "t", typing.get() + 1, 1);
                typing.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // pacing, not waiting
            }
        });
        List<String> printed = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            Program p = worker("err-" + run, true, "--follow", "events,typing", "--from", "events=0,typing/master=0",
                    "--state", state.toString());
            int before = events.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> p.count() > 50
                    && parse(p.lines()).stream().anyMatch(l -> l.startsWith("events ") && tokenOf(l) > before));
            // a SIGTERM is a clean stop: status 0 (not the JVM's 143) once its shutdown work is done
            assertThat(p.terminate(Duration.ofSeconds(30))).as(p.err()).isEqualTo(0);
            assertThat(p.err()).doesNotContain("ERROR");
            printed.addAll(parse(p.lines()));
        }
        writing.set(false);
        writer.get(30, TimeUnit.SECONDS);
        // a last run prints the rest
        Program last = worker("err-last", true, "--follow", "events,typing", "--state", state.toString());
        int total = events.get() + typing.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> printed.size() + last.count() >= total);
        assertThat(last.terminate(Duration.ofSeconds(30))).as(last.err()).isEqualTo(0);
        printed.addAll(parse(last.lines()));

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= events.get(); i++) {
            expected.add("events " + i + " [\"e" + i + "\"]");
        }
        List<String> expectedTyping = new ArrayList<>();
        for (int i = 1; i <= typing.get(); i++) {
            expectedTyping.add("typing " + i + " [\"t" + i + "\"]");
        }
        assertThat(printed.stream().filter(l -> l.startsWith("events ")).toList()).containsExactlyElementsOf(expected);
        assertThat(printed.stream().filter(l -> l.startsWith("typing ")).toList())
                .containsExactlyElementsOf(expectedTyping);
        JsonNode saved = Json.parse(Files.readString(state));
        assertThat(saved.get("positions").get("events").get("master").asLong()).isEqualTo(events.get());
        assertThat(saved.get("positions").get("typing").get("master").asLong()).isEqualTo(typing.get());
    }

    @Test
    void sigtermMidCatchUpStopsWithinSecondsAndARestartPrintsTheRestExactlyOnce() throws Exception {
        cluster = new Cluster(tmp.resolve("main"), Cluster.FAST);
        int backlog = 50_000;
        for (int done = 0; done < backlog; done += 10_000) {
            append("events", "e", done + 1, 10_000);
        }
        Path state = tmp.resolve("worker.state");
        // read at 20,000 lines/s: the worker (about 300,000 rows/s into a free pipe) is then mid-catch-up
        // for 2.5 s whatever the machine's speed, and SIGTERM comes after 1,000 lines
        Program first = Program.startReadingSlowly(tmp.resolve("err-first"), 20_000, workerArgs("--follow",
                "events", "--from", "events=0", "--state", state.toString()));
        programs.add(first);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> first.count() > 1_000);
        long start = System.nanoTime();
        assertThat(first.terminate(Duration.ofSeconds(30))).as(first.err()).isEqualTo(0);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        int printedBefore = first.count();
        LoggerFactory.getLogger(WorkerProgramTest.class).warn("SIGTERM mid-catch-up: exit after {} ms, {} of {} rows"
                + " printed", millis, printedBefore, backlog);
        assertThat(printedBefore).as("stopped mid-catch-up").isLessThan(backlog);
        assertThat(millis).as("exit took %d ms", millis).isLessThan(5_000);

        Program second = worker("err-second", true, "--follow", "events", "--state", state.toString());
        await().atMost(Duration.ofSeconds(120)).until(() -> printedBefore + second.count() >= backlog);
        assertThat(second.terminate(Duration.ofSeconds(30))).as(second.err()).isEqualTo(0);
        List<String> all = new ArrayList<>(parse(first.lines()));
        all.addAll(parse(second.lines()));
        assertThat(all).hasSize(backlog);
        for (int i = 0; i < backlog; i++) {
            assertThat(all.get(i)).isEqualTo("events " + (i + 1) + " [\"e" + (i + 1) + "\"]");
        }
    }

    private static long tokenOf(String parsed) {
        return Long.parseLong(parsed.split(" ")[1]);
    }

    @Test
    void aWorkerWhoseOutputIsClosedStopsWithStatusOneAndSavesNoStatePastIt() throws Exception {
        cluster = new Cluster(tmp.resolve("main"), Cluster.FAST);
        append("events", "e", 1, 20);
        Path state = tmp.resolve("worker.state");
        Program p = worker("err", false, "--follow", "events", "--from", "events=0", "--state", state.toString());
        // what `myelin worker | head -n 5` does: read five lines, then go away
        BufferedReader out = new BufferedReader(new InputStreamReader(p.process.getInputStream(),
                StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
            assertThat(out.readLine()).isNotNull();
        }
        out.close();
        AtomicInteger next = new AtomicInteger(21);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            append("events", "e", next.getAndAdd(200), 200); // rows keep coming, so writes keep being tried
            return !p.process.isAlive();
        });
        assertThat(p.waitFor(Duration.ofSeconds(10))).as(p.err()).isEqualTo(1);
        assertThat(p.err()).contains("writing to standard output failed").contains("stopping (status 1)");
        if (Files.exists(state)) {
            long saved = Json.parse(Files.readString(state)).get("positions").get("events").get("master").asLong();
            assertThat(saved).as("state never covers rows that could not be written").isLessThan(next.get() - 1);
        }
    }

    @Test
    void aCorruptStateFileIsAClearStartupError() throws Exception {
        Path state = tmp.resolve("bad.state");
        Files.writeString(state, "{\"version\":1,\"positions\":{\"events\":{\"master\":\"x\"}}");
        CliRun run = CliRun.of("worker", "--name", "w", "--data", tmp.toString(), "--state", state.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("myelin worker: state file").contains("corrupt").doesNotContain("\tat ");

        Files.writeString(state, "{\"version\":1,\"positions\":{\"events\":{\"master\":-3}}}");
        run = CliRun.of("worker", "--name", "w", "--data", tmp.toString(), "--state", state.toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("not a non-negative integer");

        run = CliRun.of("worker", "--name", "w", "--data", tmp.toString(), "--state",
                tmp.resolve("no-such-dir/w.state").toString());
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("cannot write state file");
    }

    @Test
    void aBareFromTokenForSeveralStreamsIsRefused() {
        CliRun run = CliRun.of("worker", "--name", "w", "--data", tmp.toString(), "--from", "5");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--from 5 for every stream cannot resume exactly")
                .contains("STREAM[/INSTANCE]=TOKEN");
        run = CliRun.of("worker", "--name", "w", "--data", tmp.toString(), "--from", "events=oops");
        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("--from takes STREAM[/INSTANCE]=TOKEN");
    }
}
