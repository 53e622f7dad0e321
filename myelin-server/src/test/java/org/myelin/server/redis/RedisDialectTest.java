package org.myelin.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.core.presence.PresenceSettings;
import org.myelin.node.config.Tunables;
import org.myelin.protocol.Dialect;
import org.myelin.redis.RedisServer;
import org.myelin.server.cli.HostPort;
import org.myelin.server.main.MainProcess;
import org.myelin.server.worker.CatchUpSource;
import org.myelin.server.worker.WorkerProcess;
import org.myelin.tcp.TcpSettings;

/** The wire dialect given to main and worker (--dialect, myelin.dialect) is the one they publish on Redis. */
class RedisDialectTest {
    @TempDir
    Path tmp;

    @Test
    void mainAndWorkerPublishInTheirConfiguredDialect() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisURI uri = RedisURI.create(redis.uri());
            TcpSettings old = TcpSettings.defaults().withDialect(Dialect.SYNAPSE_1_66);
            try (MainProcess main = MainProcess.start(new MainProcess.MainConfig(tmp, "test.local",
                    new HostPort("127.0.0.1", 0), new HostPort("127.0.0.1", 0), old), PresenceSettings.defaults(),
                    true, uri, Tunables.defaults())) {
                assertThat(main.redis().orElseThrow().settings().dialect()).isEqualTo(Dialect.SYNAPSE_1_66);
                try (WorkerProcess worker = WorkerProcess.start(new WorkerProcess.WorkerConfig("w1",
                        new HostPort("127.0.0.1", 0), "test.local", new CatchUpSource.SharedFile(tmp),
                        OptionalLong.empty(), List.of(), old), (stream, instance, token, rows) -> { },
                        WorkerProcess.Presence.forName("w1"), uri, Tunables.defaults(), false)) {
                    assertThat(worker.redis().orElseThrow().settings().dialect()).isEqualTo(Dialect.SYNAPSE_1_66);
                }
            }
        }
    }
}
