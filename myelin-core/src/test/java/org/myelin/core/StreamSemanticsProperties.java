package org.myelin.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.myelin.core.inbound.InboundStreams;
import org.myelin.core.inbound.ReplicationDataHandler;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.RawJson;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RdataCommand;

/**
 * Writer and worker engines joined by an in-memory link that loses runs of RDATA the way a
 * congested TCP link in catch-up mode does: whatever the writes and the losses, the worker sees
 * every row exactly once, in order.
 */
class StreamSemanticsProperties {

    @Property(tries = 60)
    void everyRowArrivesOnceInOrderDespiteLostRdata(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 3) Integer> batchSizes,
            @ForAll @IntRange(min = 0, max = 40) int lossPercent,
            @ForAll @IntRange(min = 1, max = 5) int fetchLimit,
            @ForAll long seed) {
        MemoryStream events = new MemoryStream("events");
        events.append("[\"before the worker connected\"]");
        List<String> seen = new CopyOnWriteArrayList<>();
        ReplicationDataHandler handler = (stream, instance, token, rows) -> {
            for (RawJson row : rows) {
                seen.add(token + " " + row.text());
            }
        };
        try (ReplicationEngine writer = ReplicationEngine.builder("master").write(events.outbound())
                        .fetchLimit(fetchLimit).build();
                ReplicationEngine worker = ReplicationEngine.builder("worker1")
                        .follow(InboundStreams.of(Map.of("events", events)), handler).fetchLimit(fetchLimit)
                        .startFrom(0).build()) {
            LossyLink link = new LossyLink(writer, worker, new Random(seed), lossPercent);
            writer.connected(link.serverEnd);
            worker.connected(link.clientEnd);
            writer.received(link.serverEnd, CommandCodec.parse("REPLICATE"));

            int n = 0;
            for (int size : batchSizes) {
                if (size == 0) {
                    events.advanceTo(events.currentToken() + 1);
                } else {
                    String[] rows = new String[size];
                    for (int i = 0; i < size; i++) {
                        rows[i] = "[" + (++n) + "]";
                    }
                    events.append(rows);
                }
                writer.poke();
            }
            long last = events.currentToken();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                link.writableAgain(); // a congested socket drains eventually
                return worker.receivedTokens().getOrDefault("events", Map.of()).getOrDefault("master", -1L) == last;
            });

            List<String> expected = new ArrayList<>();
            events.rows().forEach(r -> expected.add(r.token() + " " + r.row().text()));
            assertThat(seen).containsExactlyElementsOf(expected);
        }
    }

    /**
     * Both ends of an in-memory link; the server end drops RDATA runs as a congested TCP link does:
     * a stream that lost RDATA takes none until a POSITION for it goes out, which the writer sends
     * when told the link is writable again.
     */
    static final class LossyLink {
        final ReplicationConnection serverEnd;
        final ReplicationConnection clientEnd;
        private final ReplicationEngine writer;
        private final Set<String> lost = new TreeSet<>();
        private final Set<String> blocked = new TreeSet<>();
        private int dropping;

        /** Ends a run of losses, as a congested socket eventually drains: the writer sends positions. */
        synchronized void writableAgain() {
            dropping = 0;
            if (!lost.isEmpty()) {
                Set<String> streams = Set.copyOf(lost);
                lost.clear();
                writer.catchUpNeeded(serverEnd, streams);
            }
        }

        LossyLink(ReplicationEngine writer, ReplicationEngine worker, Random random, int lossPercent) {
            this.writer = writer;
            this.clientEnd = new End("client") {
                @Override
                public void send(Command command) {
                    writer.received(serverEnd, command);
                }
            };
            this.serverEnd = new End("server") {
                @Override
                public void send(Command command) {
                    synchronized (LossyLink.this) {
                        if (command instanceof RdataCommand r) {
                            if (dropping == 0 && random.nextInt(100) < lossPercent) {
                                dropping = 1 + random.nextInt(4);
                            }
                            // as the TCP link does: after a loss the stream stays blocked until a POSITION
                            if (dropping > 0 || blocked.contains(r.stream())) {
                                lost.add(r.stream());
                                blocked.add(r.stream());
                                if (dropping > 0 && --dropping == 0) {
                                    writableAgain();
                                }
                                return;
                            }
                        } else if (command instanceof PositionCommand p) {
                            blocked.remove(p.stream());
                        }
                        worker.received(clientEnd, command);
                    }
                }
            };
        }
    }

    private abstract static class End implements ReplicationConnection {
        private final String name;

        End(String name) {
            this.name = name;
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void close(String errorReason) {
            throw new AssertionError("link closed: " + errorReason);
        }
    }
}
