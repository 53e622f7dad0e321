package org.myelin.server.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The harness's proxy over real loopback sockets. */
class LinkProxyTest {
    @Test
    void forwardsBothWaysPausesTheMainsSideAndCutsBothSides() throws Exception {
        try (ServerSocket mainSide = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                LinkProxy proxy = new LinkProxy("t", mainSide.getLocalPort());
                Socket worker = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
                Socket main = mainSide.accept()) {
            worker.setSoTimeout(10_000);
            main.setSoTimeout(10_000);
            worker.getOutputStream().write('a');
            assertThat(main.getInputStream().read()).isEqualTo('a');
            main.getOutputStream().write('b');
            assertThat(worker.getInputStream().read()).isEqualTo('b');

            proxy.pause();
            main.getOutputStream().write('c');
            worker.setSoTimeout(500);
            // not forwarded while paused (a bounded look for absence: it cannot fail spuriously)
            assertThatThrownBy(() -> worker.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            worker.getOutputStream().write('d'); // the worker's side still flows
            assertThat(main.getInputStream().read()).isEqualTo('d');
            proxy.resume();
            worker.setSoTimeout(10_000);
            assertThat(worker.getInputStream().read()).isEqualTo('c');

            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.cut() == 1);
            assertThat(endsWithin(worker.getInputStream())).isTrue();
            assertThat(endsWithin(main.getInputStream())).isTrue();
            assertThat(proxy.accepted()).isEqualTo(1);
        }
    }

    @Test
    void aWorkerConnectingWhileTheMainIsDownIsRefused() throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = gone.getLocalPort();
        }
        try (LinkProxy proxy = new LinkProxy("t", port);
                Socket worker = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            worker.setSoTimeout(10_000);
            assertThat(endsWithin(worker.getInputStream())).isTrue();
        }
    }

    /** Whether the stream ends (EOF or reset) before the socket's read timeout. */
    private static boolean endsWithin(InputStream in) {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }
}
