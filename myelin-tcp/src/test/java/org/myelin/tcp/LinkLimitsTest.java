package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.myelin.tcp.Waits.eventually;
import static org.myelin.tcp.Waits.waitUpTo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Limits that keep a server and a client sane whatever the peer does (issue 12, F9, F11, F12):
 * the handshake deadline, the connection cap, a wrong server name, peer names in logs.
 */
class LinkLimitsTest {

    @Test
    void aConnectionThatNeverSaysNameOrReplicateIsClosedAtTheDeadline() {
        RecordingListener listener = new RecordingListener();
        TcpSettings settings = TcpSettings.defaults().withHandshakeTimeout(Duration.ofMillis(300));
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, listener);
                RawPeer silent = RawPeer.connect(server.port());
                RawPeer polite = RawPeer.connect(server.port())) {
            polite.send("NAME polite\n");
            // A PING alone is not a handshake.
            silent.send("PING 1\n");
            List<String> lines = silent.readUntilClosed();
            assertThat(lines).contains("ERROR handshake timeout: no NAME or REPLICATE within 300 ms");
            assertThat(server.metrics().handshakeTimeouts()).isEqualTo(1);
            eventually().until(() -> server.links().size() == 1);
            assertThat(server.links().get(0).name()).isEqualTo("polite");
            // The polite one is past its handshake: well after the deadline it is still served.
            waitUpTo(Duration.ofSeconds(5)).during(Duration.ofMillis(600)).until(() -> server.links().size() == 1);
        }
    }

    @Test
    void connectionsOverTheCapAreRefusedWithError() {
        RecordingListener listener = new RecordingListener();
        TcpSettings settings = TcpSettings.defaults().withMaxConnections(2);
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", settings, listener);
                RawPeer first = RawPeer.connect(server.port());
                RawPeer second = RawPeer.connect(server.port())) {
            assertThat(first.readLine()).isEqualTo("SERVER peer.test");
            assertThat(second.readLine()).isEqualTo("SERVER peer.test");
            List<RawPeer> refused = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawPeer extra = RawPeer.connect(server.port());
                    refused.add(extra);
                    assertThat(extra.readUntilClosed()).containsExactly("ERROR too many connections", RawPeer.EOF);
                }
            } finally {
                refused.forEach(RawPeer::close);
            }
            assertThat(server.metrics().connectionsRefused()).isEqualTo(5);
            assertThat(server.links()).hasSize(2);
            first.close();
            // A freed place is taken again.
            eventually().until(() -> server.links().size() == 1);
            try (RawPeer again = RawPeer.connect(server.port())) {
                assertThat(again.readLine()).isEqualTo("SERVER peer.test");
            }
        }
    }

    @Test
    void aWrongServerNameIsLoggedOnceCountedShownAndRetriedSlowly() {
        ListAppender<ILoggingEvent> logs = capture(TcpClient.class);
        TcpSettings fast = TcpSettings.defaults().withReconnect(Duration.ofMillis(10), Duration.ofMillis(20), 0.0);
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "other.test", fast, new RecordingListener());
                TcpClient client = new TcpClient("127.0.0.1", server.port(), "worker1", "peer.test", fast,
                        new RecordingListener()).start()) {
            eventually().until(() -> !client.reconnectDelays().isEmpty());
            assertThat(client.reconnectDelays()).containsExactly(TcpClient.WRONG_SERVER_DELAY);
            assertThat(client.lastFailure()).hasValueSatisfying(f -> assertThat(f)
                    .contains("says it is 'other.test'").contains("expected 'peer.test'"));
            assertThat(client.metrics().wrongServerNames()).isEqualTo(1);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("other.test", "peer.test"));
        } finally {
            release(TcpClient.class, logs);
        }
    }

    @Test
    void peerNamesAreEscapedAndCutInLinksAndLogs() {
        RecordingListener listener = new RecordingListener();
        ListAppender<ILoggingEvent> logs = capture(LinkHandler.class);
        try (TcpServer server = TcpServer.start("127.0.0.1", 0, "peer.test", TcpSettings.defaults(), listener);
                RawPeer peer = RawPeer.connect(server.port())) {
            String evil = "w1\u001b[31m\u0008FAKE LOG LINE" + "x".repeat(500);
            peer.send("NAME " + evil + "\nREPLICATE\n");
            eventually().until(() -> !listener.commands.isEmpty());
            String name = listener.commands.get(0).link().name();
            assertThat(name).startsWith("w1\\u001b[31m\\u0008FAKE LOG LINE").endsWith("...(" + evil.length() + " chars)")
                    .doesNotContain("\u001b", "\u0008").hasSizeLessThan(130);
            eventually().until(() -> logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("peer is called")));
            assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain("\u001b", "\u0008"));
        } finally {
            release(LinkHandler.class, logs);
        }
    }

    @Test
    void peerTextKeepsOrdinaryTextAndEscapesTheRest() {
        assertThat(PeerText.name("worker-1.example.com")).isEqualTo("worker-1.example.com");
        assertThat(PeerText.name("a\nb\u0000c\u202ed\u00e9")).isEqualTo("a\\u000ab\\u0000c\\u202ed\u00e9");
        assertThat(PeerText.name("y".repeat(101))).isEqualTo("y".repeat(100) + "...(101 chars)");
        assertThat(PeerText.text(null)).isEqualTo("null");
    }

    private static ListAppender<ILoggingEvent> capture(Class<?> type) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        return appender;
    }

    private static void release(Class<?> type, ListAppender<ILoggingEvent> appender) {
        Logger logger = (Logger) LoggerFactory.getLogger(type);
        logger.detachAppender(appender);
        logger.setLevel(null);
    }
}
