package org.myelin.server.tap;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandJson;
import org.myelin.protocol.Json;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.ReplicateCommand;
import org.myelin.redis.BusListener;
import org.myelin.redis.RedisLink;
import org.myelin.redis.RedisSettings;
import org.myelin.redis.RedisTransport;

/**
 * {@code myelin tap --redis}: listens on a Redis bus (the server's channel and its USER_IP channel) and
 * shows every command published there, by any process, Synapse's included. On each (re)connect it
 * publishes {@code REPLICATE}, so that every writer announces its positions.
 */
final class RedisTap implements BusListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final boolean once;
    private final StreamSummary summary = new StreamSummary();
    private final CountDownLatch done = new CountDownLatch(1);

    RedisTap(PrintWriter out, PrintWriter err, boolean json, boolean once) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.once = once;
    }

    /** Runs until interrupted (or, with {@code once}, until the first link closes). */
    int run(String uri, String serverName, double interval) throws InterruptedException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tap-timer");
            t.setDaemon(true);
            return t;
        });
        RedisTransport transport;
        try {
            transport = RedisTransport.start(RedisTransport.parseUri(uri),
                    RedisSettings.defaults(serverName).withUserIp(true), this);
        } catch (IllegalArgumentException e) {
            err.println("myelin tap: --redis: " + e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(done::countDown, "tap-shutdown"));
        try {
            if (!json) {
                long every = Math.max(100, (long) (interval * 1000));
                timer.scheduleAtFixedRate(this::printSummary, every, every, TimeUnit.MILLISECONDS);
            }
            done.await();
            return 0;
        } finally {
            transport.close();
            timer.shutdownNow();
            if (!json) {
                printSummary();
            }
            out.flush();
        }
    }

    private void printSummary() {
        synchronized (summary) {
            summary.print(out);
        }
    }

    @Override
    public void onOpen(RedisLink link) {
        err.println("myelin tap: subscribed (" + link.describe() + ")");
        err.flush();
        link.send(ReplicateCommand.INSTANCE);
    }

    @Override
    public void onCommand(RedisLink link, Command command) {
        if (json) {
            String text;
            try {
                text = Json.write(CommandJson.describe(command));
            } catch (ProtocolException e) {
                text = Json.write(Json.mapper().createObjectNode().put("command", command.name())
                        .put("error", e.getMessage()));
            }
            synchronized (out) {
                out.println(text);
                out.flush();
            }
        } else {
            synchronized (summary) {
                summary.add(command);
            }
        }
    }

    @Override
    public void onCatchUpNeeded(RedisLink link, Set<String> streams) {
        // the tap publishes no streams
    }

    @Override
    public void onClose(RedisLink link, String reason) {
        err.println("myelin tap: Redis link closed (" + reason + ")" + (once ? "" : "; reconnecting"));
        err.flush();
        if (once) {
            done.countDown();
        }
    }
}
