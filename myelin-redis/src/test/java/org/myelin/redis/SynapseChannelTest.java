package org.myelin.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RdataCommand;
import org.myelin.redis.Bus.Delivered;
import org.myelin.redis.Bus.Worker;

/**
 * The traffic a Synapse 1.66 main published on its Redis channel ({@code redis-channel-sqlite.txt}),
 * replayed by a plain Redis client: a Myelin worker handles it as a Synapse worker would.
 */
class SynapseChannelTest {
    private static final String CHANNEL = "peer.test";

    @Test
    void aWorkerFollowsARealSynapseChannel() throws Exception {
        List<String> lines = channelLines();
        try (RedisServer redis = RedisServer.start()) {
            Worker worker = new Worker("worker1");
            // no catch-up source: every row must come from the channel, as POSITIONs announce no gap
            InboundStreams streams = new InboundStreams(Set.of(), Set.copyOf(SynapseStreams.NAMES), s -> null);
            // the recording subscriber listens before the worker starts: its REPLICATE goes out at once
            try (ReplicationEngine engine = ReplicationEngine.builder("worker1").follow(streams, worker).build();
                    RecordingSubscriber published = RecordingSubscriber.start(redis.uri(), CHANNEL);
                    RedisTransport transport = RedisTransport.start(RedisTransport.parseUri(redis.uri()),
                            Bus.settings().withUserIp(false).withServerName(CHANNEL), new EngineBus(engine))) {
                worker.engine = engine;
                transport.firstLink().toCompletableFuture().get(60, TimeUnit.SECONDS);
                RedisClient client = RedisClient.create(redis.uri());
                try (StatefulRedisConnection<String, String> plain = client.connect()) {
                    for (String line : lines) {
                        plain.sync().publish(CHANNEL, line);
                    }
                    // our own echoes, which must be ignored
                    plain.sync().publish(CHANNEL, "POSITION events worker1 900 900");
                    plain.sync().publish(CHANNEL, "RDATA events worker1 901 [\"echo\"]");
                    plain.sync().publish(CHANNEL, "RDATA events master 15 [\"last\"]");
                } finally {
                    client.shutdown();
                }
                List<Delivered> expected = new ArrayList<>();
                Map<String, List<String>> pending = new java.util.HashMap<>();
                for (String line : lines) {
                    Command c = CommandCodec.parse(line);
                    if (c instanceof RdataCommand r) {
                        pending.computeIfAbsent(r.stream(), s -> new ArrayList<>()).add(r.row().text());
                        if (!r.isBatch()) {
                            for (String row : pending.remove(r.stream())) {
                                expected.add(new Delivered(r.stream() + "/" + r.instance(), r.token(), row));
                            }
                        }
                    }
                }
                await().atMost(Bus.WAIT).until(() -> worker.rows("events").stream()
                        .anyMatch(d -> d.row().equals("[\"last\"]")));
                List<Delivered> actual = new ArrayList<>();
                for (Delivered e : expected) {
                    String stream = e.instance().substring(0, e.instance().indexOf('/'));
                    if (actual.stream().noneMatch(a -> a.instance().startsWith(stream + "/"))) {
                        for (Delivered d : worker.rows(stream)) {
                            actual.add(new Delivered(stream + "/" + d.instance(), d.token(), d.row()));
                        }
                    }
                }
                actual.removeIf(d -> d.row().equals("[\"last\"]"));
                assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
                for (String stream : worker.rows.keySet()) {
                    assertThat(worker.rows(stream)).extracting(Delivered::token).isSorted();
                }
                assertThat(worker.rows("events")).noneMatch(d -> d.instance().equals("worker1"));
                assertThat(engine.receivedTokens().get("events")).containsEntry("master", 15L)
                        .doesNotContainKey("worker1");
                // the worker announced itself like a Synapse worker: REPLICATE on the channel
                await().atMost(Bus.WAIT).until(() -> published.messages().contains("REPLICATE"));
                assertThat(transport.metrics().parseFailures()).isZero();
            }
        }
    }

    /** The command lines of the capture, without its timestamps, channel column and comments. */
    private static List<String> channelLines() throws IOException {
        Path file = Vectors.dir().resolve("redis-channel-sqlite.txt");
        List<String> lines = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String[] parts = raw.strip().split(" ", 3);
            if (parts.length == 3 && parts[1].equals(CHANNEL) && !parts[2].startsWith("#")) {
                lines.add(parts[2]);
            }
        }
        assertThat(lines).hasSizeGreaterThan(40);
        return lines;
    }
}
