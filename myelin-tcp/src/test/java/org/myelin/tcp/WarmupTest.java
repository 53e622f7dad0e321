package org.myelin.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up really streams: it once failed on its first line for a whole release and
 * nobody saw, because it must never fail the server it runs for.
 */
class WarmupTest {

    @Test
    void theInMemoryPartStreamsBurstsThroughALink() {
        int bursts = Warmup.inMemory(TcpSettings.defaults(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

        assertThat(bursts).isGreaterThanOrEqualTo(100);
    }

    @Test
    void theLoopbackPartStreamsRowsOverARealSocket() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            long lines = Warmup.overLoopback(group, TcpSettings.defaults(),
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));

            assertThat(lines).isGreaterThan(1_000);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
