package org.myelin.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.server.Main;

/**
 * Three real processes on loopback: a {@code myelin main} and two {@link ProfileService} JVMs. After
 * one changes a name, the other, once it applied the invalidation's token, never reads the old name,
 * though it had cached it.
 */
class TwoProcessCacheTest {
    private static final Pattern PORTS = Pattern.compile("replication on [^ ]+:(\\d+), HTTP on [^ ]+:(\\d+)");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;
    private final List<Child> children = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (int i = children.size() - 1; i >= 0; i--) {
            children.get(i).stop();
        }
    }

    @Test
    void aReadAfterTheTokenNeverReturnsTheOldValue() throws Exception {
        Path data = tmp.resolve("main");
        Child main = start("main", Main.class, "main", "--data", data.toString(),
                "--listen-tcp", "127.0.0.1:0", "--listen-http", "127.0.0.1:0");
        Matcher ports = main.awaitLog(PORTS);
        String replication = "127.0.0.1:" + ports.group(1);
        String httpUrl = "http://127.0.0.1:" + ports.group(2);
        Path db = tmp.resolve("profiles.db");
        Child a = start("a", ProfileService.class, "a", replication, data.toString(), httpUrl, db.toString());
        Child b = start("b", ProfileService.class, "b", replication, data.toString(), httpUrl, db.toString());
        assertThat(a.next()).isEqualTo("ok ready");
        assertThat(b.next()).isEqualTo("ok ready");

        String user = "@alice:localhost";
        a.ask("set " + user + " Alice 0");
        for (int round = 1; round <= 25; round++) {
            Child writer = round % 2 == 0 ? a : b;
            Child reader = writer == a ? b : a;
            String old = "Alice " + (round - 1);
            // both cache the current name (the reader's cache now holds what is about to become old)
            assertThat(reader.ask("get " + user)).isEqualTo("ok value " + old);
            String fresh = "Alice " + round;
            String token = writer.ask("set " + user + " " + fresh).substring("ok token ".length());
            assertThat(reader.ask("await " + token)).isEqualTo("ok reached " + token);
            assertThat(reader.ask("get " + user)).as("round %d, after token %s", round, token)
                    .isEqualTo("ok value " + fresh);
            assertThat(writer.ask("await " + token)).isEqualTo("ok reached " + token);
            assertThat(writer.ask("get " + user)).isEqualTo("ok value " + fresh);
        }
    }

    private Child start(String name, Class<?> mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                mainClass.getName()));
        command.addAll(List.of(args));
        Path log = tmp.resolve(name + ".log");
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Child child = new Child(name, process, log);
        children.add(child);
        return child;
    }

    /** A child JVM: its stdout lines starting with {@code ok } queued as they come, its stderr in a file. */
    private static final class Child {
        final String name;
        final Process process;
        final Path log;
        final Writer in;
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

        Child(String name, Process process, Path log) {
            this.name = name;
            this.process = process;
            this.log = log;
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("ok ")) {
                            answers.add(line);
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            }, name + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        String ask(String command) throws Exception {
            in.write(command + "\n");
            in.flush();
            return next();
        }

        String next() throws Exception {
            String answer = answers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            if (answer == null) {
                throw new AssertionError(name + " did not answer within " + WAIT + "; its log:\n" + Files.readString(log));
            }
            return answer;
        }

        Matcher awaitLog(Pattern pattern) {
            Matcher[] found = new Matcher[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
                assertThat(process.isAlive()).as(name + " is running; its log:\n" + Files.readString(log)).isTrue();
                Matcher m = pattern.matcher(Files.readString(log));
                if (m.find()) {
                    found[0] = m;
                    return true;
                }
                return false;
            });
            return found[0];
        }

        void stop() throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
