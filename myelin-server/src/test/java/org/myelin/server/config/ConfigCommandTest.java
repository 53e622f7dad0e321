package org.myelin.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.server.CliRun;
import org.myelin.server.Main;
import picocli.CommandLine.ParseResult;

class ConfigCommandTest {
    @TempDir
    Path tmp;

    @Test
    void thePrintedExampleChecksOk() throws Exception {
        CliRun example = CliRun.of("config", "example");
        assertThat(example.status()).isZero();
        Path file = Files.writeString(tmp.resolve("myelin.yaml"), example.out());
        CliRun check = CliRun.of("config", "check", file.toString());
        assertThat(check.status()).as(check.err()).isZero();
        assertThat(check.out()).startsWith("OK: " + file)
                .contains("runs as: myelin main --server-name localhost --data myelin-data")
                .contains("--listen-tcp 127.0.0.1:9092 --listen-http 127.0.0.1:9093 --listen-metrics 127.0.0.1:9095")
                .contains("ping_interval: 5s");
    }

    @Test
    void checkPrintsEveryProblemWithItsPath() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.yaml"), """
                worker_app: synapse.app.generic_worker
                server_nme: x
                listeners:
                  - {type: http, port: 8008}
                  - {type: replication, port: 70000}
                myelin: {tcp: {ping_interval: soon}}
                """);
        CliRun check = CliRun.of("config", "check", file.toString());
        assertThat(check.status()).isEqualTo(1);
        assertThat(check.err()).isEqualTo(file + ": 3 problems:\n"
                + "  server_nme: unknown key (did you mean server_name?)\n"
                + "  listeners[1].port: must be 1-65535, got 70000\n"
                + "  myelin.tcp.ping_interval: must be a duration (milliseconds, or a number with ms, s, m, h, d or w),"
                + " got 'soon'\n");
    }

    @Test
    void mainAndWorkerRefuseABadFileWithStatus2AndNoStackTrace() throws Exception {
        Path file = Files.writeString(tmp.resolve("bad.yaml"), "listeners: [{type: http, port: 8008}, "
                + "{type: replication, port: 70000}]\n");
        for (String command : List.of("main", "worker")) {
            CliRun run = CliRun.of(command, "--config", file.toString());
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).isEqualTo("myelin " + command + ": config " + file
                    + ": listeners[1].port: must be 1-65535, got 70000\n");
        }
        CliRun missing = CliRun.of("main", "--config", tmp.resolve("nope.yaml").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).endsWith("nope.yaml: no such file\n").doesNotContain("Exception");
    }

    @Test
    void flagsOverrideTheFileAndTheFileOverridesTheBuiltInDefaults() throws Exception {
        Path file = Files.writeString(tmp.resolve("main.yaml"), """
                server_name: file.example.com
                instance_name: writer1
                listeners:
                  - {type: replication, bind_addresses: ['0.0.0.0'], port: 9292}
                  - {type: http, bind_addresses: ['127.0.0.1'], port: 9293}
                myelin:
                  dialect: "1.66"
                  presence: {sync_timeout: 2s, store_user_ips: false}
                """);
        ParseResult main = merged("main", "--config", file.toString(), "--server-name", "flag.example.com",
                "--listen-http", "127.0.0.1:7000");
        assertThat((String) main.subcommand().commandSpec().findOption("--server-name").getValue())
                .isEqualTo("flag.example.com");
        assertThat(main.subcommand().commandSpec().findOption("--listen-http").getValue().toString())
                .isEqualTo("127.0.0.1:7000");
        assertThat(main.subcommand().commandSpec().findOption("--listen-tcp").getValue().toString())
                .isEqualTo("0.0.0.0:9292");
        assertThat((String) main.subcommand().commandSpec().findOption("--instance-name").getValue())
                .isEqualTo("writer1");
        assertThat((Long) main.subcommand().commandSpec().findOption("--sync-timeout-ms").getValue()).isEqualTo(2000);
        assertThat(main.subcommand().commandSpec().findOption("--dialect").getValue().toString()).isEqualTo("1.66");
        assertThat((Boolean) main.subcommand().commandSpec().findOption("--store-user-ips").getValue()).isFalse();
        ParseResult negated = merged("main", "--config", file.toString(), "--store-user-ips");
        assertThat((Boolean) negated.subcommand().commandSpec().findOption("--store-user-ips").getValue()).isTrue();
        // without the file: the built-in defaults
        ParseResult plain = Main.commandLine().parseArgs("main");
        assertThat((String) plain.subcommand().commandSpec().findOption("--server-name").getValue())
                .isEqualTo("localhost");
    }

    @Test
    void aWorkerFlagChoosingTheCatchUpSourceWinsOverTheFilesWholeChoice() throws Exception {
        Path file = Files.writeString(tmp.resolve("worker.yaml"), """
                worker_name: w1
                worker_replication_secret: s3cret
                database: {name: sqlite3, args: {database: /srv/myelin}}
                instance_map:
                  main: {host: 127.0.0.1, port: 9093}
                listeners:
                  - {type: replication, port: 9292}
                """);
        ParseResult fromFile = merged("worker", "--config", file.toString());
        var spec = fromFile.subcommand().commandSpec();
        assertThat((String) spec.findOption("--name").getValue()).isEqualTo("w1");
        assertThat(spec.findOption("--data").getValue().toString()).isEqualTo("/srv/myelin");
        assertThat((List<Object>) spec.findOption("--catch-up-url").getValue()).containsExactly("master=http://127.0.0.1:9093");
        assertThat(spec.findOption("--connect").getValue().toString()).isEqualTo("127.0.0.1:9292");
        ParseResult flag = merged("worker", "--config", file.toString(), "--catch-up-url", "http://10.0.0.1:9093",
                "--name", "w2");
        spec = flag.subcommand().commandSpec();
        assertThat((String) spec.findOption("--name").getValue()).isEqualTo("w2");
        assertThat((Object) spec.findOption("--data").getValue()).isNull();
        assertThat((List<Object>) spec.findOption("--catch-up-url").getValue()).containsExactly("http://10.0.0.1:9093");
    }

    @Test
    void aWorkerWithoutANameHereOrInTheFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("w.yaml"), "server_name: example.com\n");
        for (String[] args : new String[][] {{"worker", "--data", tmp.toString()},
                {"worker", "--config", file.toString(), "--data", tmp.toString()}}) {
            CliRun run = CliRun.of(args);
            assertThat(run.status()).isEqualTo(2);
            assertThat(run.err()).isEqualTo(
                    "myelin worker: a worker needs a name: give --name NAME (or worker_name in --config).\n");
        }
    }

    private static ParseResult merged(String... args) {
        return ConfigStrategy.merge(Main.commandLine().parseArgs(args));
    }
}
