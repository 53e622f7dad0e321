package org.myelin.core;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.myelin.core.link.ReplicationConnection;
import org.myelin.core.task.BackgroundTasks;
import org.myelin.protocol.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the non-stream commands of each link ({@code USER_SYNC}, {@code REMOTE_SERVER_UP}, ...) to
 * the {@link CommandListener} in arrival order: one queue per link, drained by at most one task at a
 * time on a bounded pool, each command counted as the task {@code replication-<COMMAND>}.
 *
 * <p>A burst from one peer therefore costs no thread per command and cannot be reordered; and when
 * {@code maxQueued} commands of a link wait, reading from that link pauses until half are handled
 * (the same backpressure as the stream queues), so memory stays bounded whatever the peer sends.
 * Commands already queued when their link closes are still handled: a worker's last
 * {@code CLEAR_USER_SYNC} matters most.
 */
final class LinkCommandQueues {
    private static final Logger log = LoggerFactory.getLogger(LinkCommandQueues.class);

    private final CommandListener listener;
    private final BackgroundTasks tasks;
    private final int maxQueued;
    private final Map<ReplicationConnection, LinkQueue> queues = new ConcurrentHashMap<>();
    private final LongAdder pauses = new LongAdder();

    LinkCommandQueues(CommandListener listener, BackgroundTasks tasks, int maxQueued) {
        this.listener = listener;
        this.tasks = tasks;
        this.maxQueued = maxQueued;
    }

    /** Queues a command of a link; returns at once. */
    void add(ReplicationConnection connection, Command command) {
        queues.computeIfAbsent(connection, LinkQueue::new).add(command);
    }

    /** The link closed: what it queued is still handled, but its reading is not touched any more. */
    void remove(ReplicationConnection connection) {
        LinkQueue queue = queues.remove(connection);
        if (queue != null) {
            queue.closed = true;
        }
    }

    /** Times reading from a link was paused because its command queue was full. */
    long pauses() {
        return pauses.sum();
    }

    /** One link's commands, drained by at most one task at a time. */
    private final class LinkQueue {
        private final ReplicationConnection connection;
        private final Queue<Command> items = new ConcurrentLinkedQueue<>();
        private final AtomicInteger queued = new AtomicInteger();
        private final AtomicBoolean draining = new AtomicBoolean();
        private final AtomicBoolean paused = new AtomicBoolean();
        volatile boolean closed;

        LinkQueue(ReplicationConnection connection) {
            this.connection = connection;
        }

        void add(Command command) {
            items.add(command);
            if (queued.incrementAndGet() >= maxQueued && paused.compareAndSet(false, true)) {
                pauses.increment();
                log.info("link {} has {} commands waiting for the command handler; pausing reads",
                        connection.describe(), maxQueued);
                connection.setReading(false);
            }
            scheduleDrain();
        }

        private void scheduleDrain() {
            if (draining.compareAndSet(false, true)) {
                tasks.run("replication-link-commands", this::drain);
            }
        }

        private void drain() {
            try {
                for (Command command; (command = items.poll()) != null; ) {
                    Command c = command;
                    tasks.runHere("replication-" + c.name(), () -> listener.onCommand(connection, c));
                    handled();
                }
            } finally {
                draining.set(false);
                // a command added after the last poll but before the flag cleared would otherwise wait
                if (!items.isEmpty()) {
                    scheduleDrain();
                }
            }
        }

        private void handled() {
            if (queued.decrementAndGet() <= maxQueued / 2 && paused.compareAndSet(true, false) && !closed) {
                log.info("link {} command queue drained; resuming reads", connection.describe());
                connection.setReading(true);
            }
        }
    }
}
