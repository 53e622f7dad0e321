package org.myelin.http.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A catch-up fetch in flight is abandoned when its thread is interrupted (what the engine does when
 * the link or the worker closes), instead of holding shutdown for the request timeout.
 */
class HttpUpdateFunctionCancelTest {
    @Test
    void anInterruptedFetchFromAWriterThatNeverAnswersEndsAtOnce() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CountDownLatch accepted = new CountDownLatch(1);
            AtomicReference<Socket> held = new AtomicReference<>();
            Thread acceptor = new Thread(() -> {
                try {
                    held.set(silent.accept()); // reads nothing, answers nothing
                    accepted.countDown();
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpUpdateFunction updates = new HttpUpdateFunction(HttpClient.newHttpClient(),
                    URI.create("http://127.0.0.1:" + silent.getLocalPort()), "events", "s3cret", Duration.ofMinutes(5));
            AtomicReference<Thread> fetching = new AtomicReference<>();
            CompletableFuture<Object> fetch = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                fetching.set(Thread.currentThread());
                try {
                    fetch.complete(updates.getUpdates("master", 0, 10, 100));
                } catch (Throwable e) {
                    fetch.completeExceptionally(e);
                }
            });
            t.start();
            assertThat(accepted.await(30, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            t.interrupt();
            try {
                fetch.get(5, TimeUnit.SECONDS);
                throw new AssertionError("a fetch from a silent writer returned");
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
            if (held.get() != null) {
                held.get().close();
            }
        }
    }
}
