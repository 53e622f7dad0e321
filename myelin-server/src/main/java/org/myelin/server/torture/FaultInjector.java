package org.myelin.server.torture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a {@link FaultPlan} one fault at a time, each at its planned time or as soon as the
 * previous one is over, and leaves everything running again after each fault (paused proxies
 * resumed, stopped processes continued, killed ones restarted).
 */
final class FaultInjector {
    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final List<Fault> plan;
    private final MainNode main;
    private final List<WorkerNode> workers;
    private final int floodSize;
    private final RedisNode redis;
    private final java.util.Set<FaultKind> kinds;
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    private final List<String> done = new ArrayList<>();
    private final Object schedule = new Object();
    private boolean stopping;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param redis the Redis server of a {@code --redis} run, or null
     * @param kinds the kinds the plan may hold (reported, with 0 for those not injected)
     */
    FaultInjector(List<Fault> plan, MainNode main, List<WorkerNode> workers, int floodSize, RedisNode redis,
            java.util.Set<FaultKind> kinds) {
        this.plan = List.copyOf(plan);
        this.main = main;
        this.workers = List.copyOf(workers);
        this.floodSize = floodSize;
        this.redis = redis;
        this.kinds = java.util.Set.copyOf(kinds);
    }

    void start(long startedNanos) {
        thread = new Thread(() -> run(startedNanos), "torture-faults");
        thread.setDaemon(true);
        thread.start();
    }

    /** Lets the fault under way finish, skips the rest, and waits for it. */
    void stop() throws InterruptedException {
        synchronized (schedule) {
            stopping = true;
            schedule.notifyAll();
        }
        thread.join(300_000);
        if (thread.isAlive()) {
            throw new TortureFailure("the fault injector did not finish its fault within 5 minutes");
        }
        if (failure != null) {
            throw new TortureFailure("injecting a fault failed: " + failure.getMessage(), failure);
        }
    }

    synchronized Map<FaultKind, Integer> injected() {
        Map<FaultKind, Integer> all = new EnumMap<>(FaultKind.class);
        for (FaultKind k : kinds) {
            all.put(k, injected.getOrDefault(k, 0));
        }
        return all;
    }

    synchronized List<String> log() {
        return List.copyOf(done);
    }

    private void run(long startedNanos) {
        try {
            for (Fault fault : plan) {
                synchronized (schedule) {
                    long wait;
                    while (!stopping && (wait = startedNanos + fault.at().toNanos() - System.nanoTime()) > 0) {
                        schedule.wait(Math.max(1, wait / 1_000_000)); // the schedule, or a stop request
                    }
                    if (stopping) {
                        return;
                    }
                }
                double began = (System.nanoTime() - startedNanos) / 1e9; // late when the previous fault overran
                String what = inject(fault);
                synchronized (this) {
                    injected.merge(fault.kind(), 1, Integer::sum);
                    done.add(String.format("%.1fs %s %s", began, fault.kind(), what));
                }
                log.info("fault {}: {}", fault, what);
            }
        } catch (RuntimeException | InterruptedException e) {
            failure = e;
            log.error("fault injection failed", e);
        }
    }

    /** Injects one fault and undoes it; a stop request never cuts a fault short. */
    private String inject(Fault fault) throws InterruptedException {
        WorkerNode worker = workers.get(fault.worker());
        long length = fault.length().toMillis();
        switch (fault.kind()) {
            case LINK_CUT -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int cut;
                // the worker may be between links (backing off): cut the next link it opens
                while ((cut = worker.proxy().cut()) == 0 && System.nanoTime() < deadline) {
                    uninterruptibleSleep(50);
                }
                return worker.name() + ": " + cut + " link(s) reset";
            }
            case PROXY_PAUSE -> {
                worker.proxy().pause();
                uninterruptibleSleep(length);
                worker.proxy().resume();
                return worker.name() + ": proxy stopped reading from the main for " + length + " ms";
            }
            case WORKER_SIGSTOP -> {
                worker.signal("STOP");
                try {
                    uninterruptibleSleep(length);
                } finally {
                    worker.signal("CONT");
                }
                return worker.name() + ": SIGSTOP for " + length + " ms";
            }
            case MAIN_KILL -> {
                long pid = main.pid();
                main.kill();
                uninterruptibleSleep(length);
                main.start();
                return "main pid " + pid + " SIGKILL, down " + length + " ms, now pid " + main.pid();
            }
            case WORKER_SIGTERM -> {
                worker.restart(false, length);
                return worker.name() + ": SIGTERM, restarted after " + length + " ms";
            }
            case WORKER_KILL -> {
                worker.restart(true, length);
                return worker.name() + ": SIGKILL, restarted after " + length + " ms";
            }
            case REPLICATE_FLOOD -> {
                int sent = ReplicateFlood.run(main.tcpPort(), floodSize, length);
                return sent + " REPLICATE sent, link held " + length + " ms";
            }
            case REDIS_KILL -> {
                long pid = redis.pid();
                redis.kill();
                uninterruptibleSleep(length);
                redis.start();
                return "redis-server pid " + pid + " kill -9, down " + length + " ms, now pid " + redis.pid();
            }
            case REDIS_CLIENT_KILL -> {
                return redis.cutClients() + " Redis client connection(s) cut (CLIENT KILL TYPE pubsub, normal)";
            }
            default -> throw new IllegalStateException("unknown fault " + fault.kind());
        }
    }

    /** Sleeps the fault's length: stop requests wait until the fault is undone. */
    private static void uninterruptibleSleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
