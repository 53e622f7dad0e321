package org.myelin.server.tap;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandJson;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.Framing;
import org.myelin.protocol.Json;
import org.myelin.protocol.NameCommand;
import org.myelin.protocol.PingCommand;
import org.myelin.protocol.ProtocolException;
import org.myelin.protocol.ReplicateCommand;
import org.myelin.protocol.ServerCommand;
import org.myelin.server.cli.HostPort;
import org.myelin.server.cli.RawLink;
import picocli.CommandLine;

/** {@code myelin tap}: joins a replication bus as a client and shows every command received. */
@CommandLine.Command(
        name = "tap",
        mixinStandardHelpOptions = true,
        description = {
            "Show every command a replication server (Myelin or Synapse) sends.",
            "",
            "Joins as a client and shows what the server sends: with --json one JSON object per "
                + "command ({\"command\": wire name, then its fields); without it a per-stream summary "
                + "(token, RDATA and POSITION counts) every --interval seconds. Once the server announced "
                + "itself, sends NAME, PING and REPLICATE, then keeps the link alive with PINGs. Reconnects"
                + " when the link drops, unless --once."
        })
public final class TapCommand implements Callable<Integer> {
    @CommandLine.Option(names = "--connect", paramLabel = "HOST:PORT",
            converter = HostPort.Converter.class, description = "The server's replication port.")
    HostPort connect;

    @CommandLine.Option(names = "--redis", paramLabel = "URI",
            description = "Listen on a Redis bus instead (redis://[:password@]host:port): every command "
                    + "published on the server's channel and its USER_IP channel, by any process.")
    String redis;

    @CommandLine.Option(names = "--server-name", required = true, paramLabel = "NAME",
            description = "The name the server must announce in SERVER.")
    String serverName;

    @CommandLine.Option(names = "--json", description = "Print one JSON object per command received.")
    boolean json;

    @CommandLine.Option(names = "--name", defaultValue = "myelin-tap", paramLabel = "NAME",
            description = "Name sent as NAME. Default: ${DEFAULT-VALUE}.")
    String name;

    @CommandLine.Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS",
            description = "Seconds between summaries (without --json). Default: ${DEFAULT-VALUE}.")
    double interval;

    @CommandLine.Option(names = "--once", description = "Exit when the link closes instead of reconnecting.")
    boolean once;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final Duration PING_EVERY = Duration.ofSeconds(5);

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        if ((connect == null) == (redis == null)) {
            err.println("myelin tap: give exactly one of --connect HOST:PORT and --redis URI");
            return 2;
        }
        if (redis != null) {
            return new RedisTap(spec.commandLine().getOut(), err, json, once).run(redis, serverName, interval);
        }
        Duration delay = Duration.ofMillis(100);
        while (true) {
            try {
                int status = session();
                if (status != 0 || once) {
                    return status;
                }
                delay = Duration.ofMillis(100);
            } catch (IOException e) {
                err.println("myelin tap: " + e.getMessage());
                if (once) {
                    return 1;
                }
            }
            err.println("myelin tap: reconnecting in " + delay.toMillis() + " ms");
            Thread.sleep(delay.toMillis()); // a CLI's reconnect pause, not a test wait
            delay = delay.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                    : delay.multipliedBy(2);
        }
    }

    /** One connection: 0 when it ended normally, 1 when the server is the wrong one. */
    private int session() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StreamSummary summary = new StreamSummary();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tap-timer");
            t.setDaemon(true);
            return t;
        });
        try (RawLink link = RawLink.connect(connect, Duration.ofSeconds(10), Framing.MAX_CONFIGURABLE_LINE_BYTES)) {
            // our PINGs keep the server from timing us out; its PINGs (every 5 s) keep this read alive
            timer.scheduleAtFixedRate(() -> ping(link), PING_EVERY.toMillis(), PING_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (!json) {
                long every = Math.max(100, (long) (interval * 1000));
                timer.scheduleAtFixedRate(() -> {
                    synchronized (summary) {
                        summary.print(out);
                    }
                }, every, every, TimeUnit.MILLISECONDS);
            }
            link.readTimeout(Duration.ofSeconds(30));
            boolean first = true;
            while (true) {
                byte[] line;
                Command command;
                try {
                    line = link.readLine();
                    if (line == null) {
                        err.println("myelin tap: server closed the connection");
                        return 0;
                    }
                    command = RawLink.decode(line);
                } catch (SocketTimeoutException e) {
                    err.println("myelin tap: nothing received for 30 s; reconnecting");
                    return 0;
                } catch (ProtocolException e) {
                    err.println("myelin tap: bad line from server: " + e.getMessage());
                    continue;
                }
                if (command == null) {
                    continue;
                }
                if (first) {
                    first = false;
                    if (!(command instanceof ServerCommand s) || !s.data().equals(serverName)) {
                        err.println("myelin tap: expected SERVER " + serverName + ", got " + command);
                        return 1;
                    }
                    handshake(link);
                }
                if (json) {
                    out.println(Json.write(describe(command)));
                    out.flush();
                } else {
                    synchronized (summary) {
                        summary.add(command);
                    }
                }
            }
        } finally {
            timer.shutdownNow();
            if (!json) {
                synchronized (summary) {
                    summary.print(out);
                }
            }
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode describe(Command command) {
        try {
            return CommandJson.describe(command);
        } catch (ProtocolException e) {
            // a row that is not JSON: still show the command, with the reason
            return Json.mapper().createObjectNode().put("command", command.name()).put("error", e.getMessage());
        }
    }

    /**
     * Introduces the tap once the server said who it is. A failed write is not fatal here: the read
     * loop still shows whatever the server sent before it hung up.
     */
    private void handshake(RawLink link) {
        try {
            link.send(new NameCommand(name), Dialect.SYNAPSE_1_66);
            link.send(new PingCommand(Long.toString(System.currentTimeMillis())), Dialect.SYNAPSE_1_66);
            link.send(ReplicateCommand.INSTANCE, Dialect.SYNAPSE_1_66);
        } catch (IOException e) {
            spec.commandLine().getErr().println("myelin tap: cannot send the handshake: " + e.getMessage());
        }
    }

    private static void ping(RawLink link) {
        try {
            link.send(new PingCommand(Long.toString(System.currentTimeMillis())), Dialect.SYNAPSE_1_66);
        } catch (IOException e) {
            // the read loop sees the broken connection and ends the session
        }
    }
}
