package org.myelin.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.server.CliRun;
import org.myelin.server.main.MainProcess;
import org.myelin.tcp.TcpSettings;

/** {@code write}, {@code send} and {@code worker}'s refusals, run as the program runs them, against a real main. */
class ClientCommandsTest {
    @TempDir
    Path data;
    private MainProcess main;

    @BeforeEach
    void start() throws Exception {
        main = MainProcess.start(new MainProcess.MainConfig(data, "cli.test", new HostPort("127.0.0.1", 0),
                new HostPort("127.0.0.1", 0), TcpSettings.defaults()));
    }

    @AfterEach
    void stop() {
        main.close();
    }

    private String api() {
        return "http://127.0.0.1:" + main.httpPort();
    }

    @Test
    void writeAppendsRowsEachWithItsOwnTokenOrSharingOne() {
        CliRun each = CliRun.of("write", "--to", api(), "events", "[1]", "[2]");
        assertThat(each.status()).as(each.err()).isZero();
        assertThat(each.out()).contains("\"tokens\":[1,2]");
        CliRun shared = CliRun.of("write", "--to", api(), "--same-token", "events", "[3]", "[4]");
        assertThat(shared.out()).contains("\"tokens\":[3,3]");
    }

    @Test
    void writeReadsRowsFromStandardInputInBatches() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("[1]\n\n[2]\n[3]\n".getBytes(StandardCharsets.UTF_8)));
            CliRun run = CliRun.of("write", "--to", api(), "--batch", "2", "typing", "-");
            assertThat(run.status()).as(run.err()).isZero();
            assertThat(run.out().lines()).containsExactly("{\"stream\":\"typing\",\"tokens\":[1,2]}",
                    "{\"stream\":\"typing\",\"tokens\":[3]}");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void writeExplainsBadRowsAndAnUnreachableServer() {
        CliRun bad = CliRun.of("write", "--to", api(), "events", "[1,");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("argument 2 is not a JSON row");
        CliRun badStream = CliRun.of("write", "--to", api(), "no/such", "[1]");
        assertThat(badStream.status()).isEqualTo(1);
        CliRun down = CliRun.of("write", "--to", "http://127.0.0.1:1", "events", "[1]");
        assertThat(down.status()).isEqualTo(1);
        assertThat(down.err()).contains("is 'myelin main' running?");
    }

    @Test
    void sendPrintsWhatTheServerAnswers() {
        main.append("events", java.util.List.of(org.myelin.protocol.RawJson.of("[1]")), false);
        CliRun run = CliRun.of("send", "--connect", "127.0.0.1:" + main.tcpPort(), "--server-name", "cli.test",
                "--wait", "0.5", "NAME probe", "REPLICATE");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("SERVER cli.test\nPING ").contains("POSITION events master 1 1\n");
        CliRun bad = CliRun.of("send", "--connect", "127.0.0.1:" + main.tcpPort(), "--server-name", "cli.test",
                "--wait", "0.5", "RDATA events master 1 [1]");
        assertThat(bad.out()).contains("ERROR invalid command: RDATA");
        CliRun wrong = CliRun.of("send", "--connect", "127.0.0.1:" + main.tcpPort(), "--server-name", "other", "PING 1");
        assertThat(wrong.status()).isEqualTo(1);
    }

    @Test
    void aWorkerWithNoWayToCatchUpRefusesToStartAndSaysWhatToGive() {
        CliRun none = CliRun.of("worker", "--name", "w1");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("give --data DIR").contains("--catch-up-url");
        CliRun noSecret = CliRun.of("worker", "--name", "w1", "--catch-up-url", api(), "--replication-secret", "");
        assertThat(noSecret.status()).isEqualTo(2);
        assertThat(noSecret.err()).contains("needs the writer's replication secret");
        CliRun empty = CliRun.of("worker", "--name", "w1", "--data", data.resolve("nothing-here").toString());
        assertThat(empty.status()).isEqualTo(2);
        assertThat(empty.err()).contains("nothing-here");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"main", "worker", "write", "tap", "send", "decode"}) {
            CliRun help = CliRun.of(command, "--help");
            assertThat(help.status()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: myelin " + command);
        }
    }
}
