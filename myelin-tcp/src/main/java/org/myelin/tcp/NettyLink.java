package org.myelin.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.core.link.EncodedBurst;
import org.myelin.protocol.Command;
import org.myelin.protocol.CommandCodec;
import org.myelin.protocol.CommandType;
import org.myelin.protocol.Dialect;
import org.myelin.protocol.ErrorCommand;
import org.myelin.protocol.PingCommand;
import org.myelin.protocol.PositionCommand;
import org.myelin.protocol.RdataCommand;
import org.myelin.protocol.Side;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Link} on a Netty channel: the outbound half (hand-off to the event loop, congestion,
 * closing) and the link's state. The inbound half is {@link LinkHandler}.
 *
 * <p>All mutable state but the hand-off inbox and the volatile fields read by other threads belongs
 * to the channel's event loop.
 *
 * <p>The inbox (commands other threads sent, waiting for the event loop) is bounded too: past
 * {@link TcpSettings#inboxBound()} entries (default {@link #INBOX_BOUND}; or the queue bound, if larger), RDATA are discarded there
 * and leave a gap marker in their place (at most one per stream until its next POSITION), so the
 * event loop opens the stream's gap at the right point of the order; other commands are still
 * taken up to twice the bound, beyond which the link is closed with {@code ERROR Failed to keep up}.
 */
final class NettyLink implements Link {
    private static final Logger log = LoggerFactory.getLogger(NettyLink.class);
    private static final AtomicLong IDS = new AtomicLong();
    /**
     * The default of {@link TcpSettings#inboxBound()}: commands the inbox holds before dropping RDATA. Generous: the inbox only bridges the time
     * until the event loop runs, and the outbound queue's bounds are what congestion is about.
     */
    static final int INBOX_BOUND = 65_536;

    private enum State { OPEN, CLOSING, CLOSED }

    private final String id = "tcp-" + IDS.incrementAndGet();
    private final Channel channel;
    private final EventLoop loop;
    private final Side side;
    private final TcpSettings settings;
    /** Read once: the send path checks it per command. */
    private final int inboxBound;
    private final TcpMetrics metrics;
    private final LinkListener listener;
    private final LinkHooks hooks;
    private final OutboundQueue queue;
    /** {@link EncodedBurst}s as they are (the common case: no wrapper per link and burst), else {@link InboxEntry}s. */
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    /** Made once: a method reference per hand-off would be garbage per link and burst. */
    private final Runnable drainTask = this::drainInbox;
    /** Made once: it runs after every read that delivered commands. */
    private final Runnable readCompleteCall = this::tellReadComplete;
    /** Commands in the inbox, gap markers not counted. */
    private final AtomicInteger inboxSize = new AtomicInteger();
    /** Streams whose latest inbox entry is a gap marker (no POSITION handed over since). */
    private final Set<String> inboxGaps = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean inboxOverflowed = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();

    private volatile State state = State.OPEN;
    private volatile String name;
    /** A command was delivered in the read under way (event loop only). */
    private boolean deliveredSinceRead;
    private volatile boolean catchUpVisible;
    /** Where this link's commands are counted; re-resolved when the peer says its name. */
    private static final CommandType[] COMMAND_TYPES = CommandType.values();
    private volatile org.myelin.core.metrics.CommandCounts.Peer counts;

    // event loop only
    private ChannelHandlerContext ctx;
    private boolean active;
    private boolean opened;
    private boolean pingReceived;
    private boolean flushScheduled;
    private int readPauses;
    private String closeReason;
    private String lastPeerError;
    private long unwritableGeneration;
    private ScheduledFuture<?> unwritableCheck;
    private ScheduledFuture<?> closeTimer;
    private ScheduledFuture<?> handshakeTimer;

    NettyLink(Channel channel, Side side, TcpSettings settings, TcpMetrics metrics, LinkListener listener,
            LinkHooks hooks) {
        this.channel = channel;
        this.loop = channel.eventLoop();
        this.side = side;
        this.settings = settings;
        this.inboxBound = Math.max(settings.inboxBound(), settings.maxQueuedCommands());
        this.metrics = metrics;
        this.listener = listener;
        this.hooks = hooks;
        this.queue = new OutboundQueue(settings.maxQueuedBytes(), settings.maxQueuedCommands(), metrics);
        this.counts = metrics.commands.peer(org.myelin.core.metrics.CommandCounts.ANONYMOUS);
        // A channel that never became active gets no channelInactive: finish the link here instead.
        channel.closeFuture().addListener(f -> {
            if (!active) {
                closed();
            }
        });
    }

    // ------------------------------------------------------------------ Link

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        String n = name;
        return n != null ? n : String.valueOf(remoteAddress());
    }

    @Override
    public Side side() {
        return side;
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public Dialect dialect() {
        return settings.dialect();
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN && channel.isActive();
    }

    @Override
    public void send(Command command) {
        if (supported(command)) {
            hand(command, CommandCodec.encodeLine(command, settings.dialect()));
        }
    }

    @Override
    public void sendEncoded(Command command, byte[] line) {
        if (line.length == 0 || line[line.length - 1] != '\n') {
            throw new IllegalArgumentException("an encoded line must end in \\n");
        }
        if (supported(command)) {
            hand(command, line);
        }
    }

    @Override
    public void sendBurst(EncodedBurst burst) {
        if (state != State.OPEN) {
            metrics.droppedAfterClose.add(burst.size());
            return;
        }
        if (!allSupported(burst) || (!loop.inEventLoop() && inboxSize.get() + burst.size() >= inboxBound)) {
            // another dialect, or the inbox near its bound: command by command, with their rules
            Link.super.sendBurst(burst);
            return;
        }
        if (loop.inEventLoop()) {
            drainEntries();
            forgetInboxGaps(burst);
            writeBurst(burst);
            scheduleFlush();
            return;
        }
        forgetInboxGaps(burst);
        inboxSize.addAndGet(burst.size());
        inbox.add(burst);
        scheduleDrain();
    }

    private boolean allSupported(EncodedBurst burst) {
        for (int i = 0; i < burst.size(); i++) {
            if (!settings.dialect().supports(burst.command(i).type())) {
                return false;
            }
        }
        return true;
    }

    /** As {@link #hand} does for each POSITION: an RDATA dropped after it needs a marker of its own. */
    private void forgetInboxGaps(EncodedBurst burst) {
        if (inboxGaps.isEmpty()) {
            return;
        }
        for (int i = 0; i < burst.size(); i++) {
            if (burst.command(i) instanceof PositionCommand position) {
                inboxGaps.remove(position.stream());
            }
        }
    }

    @Override
    public void close(String errorReason) {
        String reason = oneLine(errorReason);
        onLoop(() -> closeWithError(reason));
    }

    @Override
    public CompletionStage<Void> closeFuture() {
        return closeFuture.minimalCompletionStage();
    }

    @Override
    public void markEstablished() {
        hooks.established(this);
    }

    @Override
    public void setReading(boolean reading) {
        onLoop(() -> {
            // Counted: the stream queues and the command queues pause independently, and reading
            // resumes only when neither wants it paused.
            if (reading) {
                readPauses = Math.max(0, readPauses - 1);
            } else {
                readPauses++;
            }
            boolean autoRead = readPauses == 0;
            if (channel.config().isAutoRead() != autoRead) {
                log.debug("{}: {} reading", this, autoRead ? "resuming" : "pausing");
                channel.config().setAutoRead(autoRead);
            }
        });
    }

    @Override
    public boolean inCatchUpMode() {
        return catchUpVisible;
    }

    @Override
    public String toString() {
        return id + "(" + name() + ")";
    }

    // ------------------------------------------------------------------ outbound

    private boolean supported(Command command) {
        if (settings.dialect().supports(command.type())) {
            return true;
        }
        metrics.unsupportedSkipped.increment();
        log.debug("{}: not sending {}: unknown to a {} peer", this, command.name(), settings.dialect());
        return false;
    }

    /**
     * A command handed over to the event loop, or (command {@code null}) the mark that an RDATA of
     * {@code gapStream} was discarded here because the inbox was full.
     */
    private record InboxEntry(Command command, byte[] line, String gapStream) {}

    /** Moves a command to the event loop; cheap on the calling thread, one task per burst. */
    private void hand(Command command, byte[] line) {
        if (state != State.OPEN) {
            metrics.droppedAfterClose.increment();
            return;
        }
        if (loop.inEventLoop()) {
            // Commands other threads handed over earlier go first: sends keep their happens-before
            // order, so a POSITION sent from here never overtakes an older RDATA it covers.
            drainEntries();
            if (command instanceof PositionCommand position) {
                // Every gap marker is behind us now: a row dropped later needs a new one.
                inboxGaps.remove(position.stream());
            }
            write(command, line);
            scheduleFlush();
            return;
        }
        if (command instanceof RdataCommand rdata && inboxSize.get() >= inboxBound) {
            // The event loop is far behind: drop the row and let the loop open the stream's gap
            // at this point of the order; the peer then gets a POSITION and fetches it.
            metrics.rdataDiscarded.increment();
            metrics.inboxRdataDiscarded.increment();
            if (inboxGaps.add(rdata.stream())) {
                inbox.add(new InboxEntry(null, null, rdata.stream()));
                scheduleDrain();
            }
            return;
        }
        if (inboxSize.get() >= 2L * inboxBound) {
            if (inboxOverflowed.compareAndSet(false, true)) {
                metrics.queueOverflows.increment();
                log.warn("{}: {} commands wait for the event loop; closing", this, inboxSize.get());
                onLoop(() -> closeWithError("Failed to keep up"));
            }
            return;
        }
        if (command instanceof PositionCommand position) {
            // Before adding it: an RDATA dropped after this POSITION needs a marker of its own.
            inboxGaps.remove(position.stream());
        }
        inboxSize.incrementAndGet();
        inbox.add(new InboxEntry(command, line, null));
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            onLoop(drainTask);
        }
    }

    private void drainInbox() {
        // Cleared first: a command added after the loop below ends schedules a new drain.
        drainScheduled.set(false);
        drainEntries();
        flushNow();
    }

    /** On the event loop: routes every command handed over so far, in order. */
    private void drainEntries() {
        Object next;
        while ((next = inbox.poll()) != null) {
            if (next instanceof EncodedBurst burst) {
                inboxSize.addAndGet(-burst.size());
                writeBurst(burst);
                continue;
            }
            InboxEntry entry = (InboxEntry) next;
            if (entry.command() == null) {
                inboxGapReached(entry.gapStream());
            } else {
                inboxSize.decrementAndGet();
                write(entry.command(), entry.line());
            }
        }
    }

    private void inboxGapReached(String stream) {
        if (state != State.OPEN) {
            return;
        }
        boolean hadGap = queue.hasGap(stream);
        queue.openGap(stream);
        if (!hadGap && !queue.inCatchUp()) {
            notifyCatchUp(Set.of(stream));
        }
        // In catch-up mode the stream is reported when the mode ends.
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            // Later in this loop iteration, so that a burst of writes costs one flush.
            flushScheduled = true;
            loop.execute(this::flushNow);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        if (ctx != null) {
            ctx.flush();
        }
    }

    /** Routes one command on the event loop: write, queue or discard. */
    private void write(Command command, byte[] line) {
        if (state != State.OPEN || ctx == null) {
            metrics.droppedAfterClose.increment();
            return;
        }
        if (line.length - 1 > settings.maxLineBytes()) {
            tooLongToSend(command, line.length - 1);
            return;
        }
        boolean wasCatchingUp = queue.inCatchUp();
        switch (queue.admit(command, line, channel.isWritable())) {
            case WRITE -> writeToChannel(command, line);
            case QUEUED, DISCARDED, COALESCED -> { }
            case OVERFLOW -> {
                log.warn("{}: {} commands ({} bytes) wait for a peer that does not read, none of them"
                        + " RDATA that could be dropped; closing", this, queue.size(), queue.bytes());
                closeWithError("Failed to keep up");
                return;
            }
        }
        if (!wasCatchingUp && queue.inCatchUp()) {
            catchUpVisible = true;
            // the cause names the bound with the figures before the RDATA were discarded (after, the
            // queue often holds nothing, which said nothing about what tripped)
            log.warn("{}: peer is not keeping up; entering catch-up mode ({}): RDATA are discarded until the"
                    + " socket drains, then POSITION is sent instead ({} other commands still queued)", this,
                    queue.catchUpCause(), queue.size());
        }
    }

    /**
     * Writes a burst on the event loop: in one write when nothing waits and nothing is being
     * discarded (what admitting each command would do: write it), else command by command.
     */
    private void writeBurst(EncodedBurst burst) {
        if (state != State.OPEN || ctx == null) {
            metrics.droppedAfterClose.add(burst.size());
            return;
        }
        if (burst.longestLine() <= settings.maxLineBytes() && queue.idle() && channel.isWritable()) {
            byte[] bytes = burst.joined();
            // straight into a pooled direct buffer: the socket needs one anyway (Netty would copy a
            // heap buffer into one), and the pooled buffer's object is recycled, not garbage
            ctx.write(ctx.alloc().directBuffer(bytes.length).writeBytes(bytes), ctx.voidPromise());
            metrics.commandsSent.add(burst.size());
            metrics.bytesSent.add(bytes.length);
            for (CommandType type : COMMAND_TYPES) { // a handful of types, once per burst and link
                counts.sent(type, burst.count(type));
            }
            return;
        }
        for (int i = 0; i < burst.size() && state == State.OPEN; i++) {
            write(burst.command(i), burst.line(i));
        }
    }

    private void tooLongToSend(Command command, int length) {
        metrics.linesTooLongNotSent.increment();
        log.warn("{}: not sending a {} line of {} bytes: over the {}-byte line limit", this, command.name(),
                length, settings.maxLineBytes());
        if (command instanceof RdataCommand rdata) {
            queue.openGap(rdata.stream());
            if (!queue.inCatchUp()) {
                notifyCatchUp(Set.of(rdata.stream()));
            }
            // In catch-up mode the stream is reported when the mode ends.
        }
    }

    private void writeToChannel(Command command, byte[] line) {
        ctx.write(Unpooled.wrappedBuffer(line), ctx.voidPromise());
        metrics.commandsSent.increment();
        metrics.bytesSent.add(line.length);
        counts.sent(command.type());
        if (command.type() == CommandType.PING) {
            metrics.pingsSent.increment();
        }
    }

    /** The socket's writability changed: drain the queue or start the unwritable deadline. */
    void writabilityChanged() {
        unwritableGeneration++;
        if (state != State.OPEN) {
            return;
        }
        if (!channel.isWritable()) {
            long generation = unwritableGeneration;
            Duration deadline = settings.unwritableDeadline();
            cancel(unwritableCheck);
            unwritableCheck = loop.schedule(() -> unwritableTooLong(generation), deadline.toNanos(),
                    TimeUnit.NANOSECONDS);
            return;
        }
        cancel(unwritableCheck);
        while (channel.isWritable()) {
            OutboundQueue.Pending pending = queue.poll();
            if (pending == null) {
                break;
            }
            writeToChannel(pending.command(), pending.line());
        }
        ctx.flush();
        if (queue.isEmpty() && channel.isWritable() && queue.inCatchUp()) {
            Set<String> streams = queue.leaveCatchUp();
            catchUpVisible = false;
            log.info("{}: socket drained; leaving catch-up mode, POSITION needed for {}", this, streams);
            if (!streams.isEmpty()) {
                notifyCatchUp(streams);
            }
        }
    }

    private void unwritableTooLong(long generation) {
        if (generation == unwritableGeneration && !channel.isWritable() && state != State.CLOSED) {
            metrics.unwritableCloses.increment();
            abort("socket unwritable for " + settings.unwritableDeadline().toMillis() + " ms");
        }
    }

    private void notifyCatchUp(Set<String> streams) {
        guard("onCatchUpNeeded", () -> listener.onCatchUpNeeded(this, streams));
    }

    // ------------------------------------------------------------------ life cycle (event loop)

    void attach(ChannelHandlerContext context) {
        this.ctx = context;
    }

    /** Sends a keepalive PING unless the socket is congested, where it would only queue. */
    void keepalive() {
        if (state == State.OPEN && channel.isWritable() && queue.isEmpty()) {
            send(new PingCommand(Long.toString(System.currentTimeMillis())));
        }
    }

    /** The connection is up (before any greeting). */
    void activated() {
        active = true;
    }

    /**
     * Server side: gives the peer the handshake deadline to say {@code NAME} or {@code REPLICATE},
     * so that connections which never do (port scanners, stuck clients) do not stay forever.
     */
    void startHandshakeDeadline() {
        Duration deadline = settings.handshakeTimeout();
        handshakeTimer = loop.schedule(() -> {
            if (state == State.OPEN && handshakeTimer != null) {
                metrics.handshakeTimeouts.increment();
                log.warn("{}: no NAME or REPLICATE within {} ms of connecting", this, deadline.toMillis());
                closeWithError("handshake timeout: no NAME or REPLICATE within " + deadline.toMillis() + " ms");
            }
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The peer said {@code NAME} or {@code REPLICATE}: no handshake deadline any more. */
    void handshakeDone() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
            handshakeTimer = null;
        }
    }

    /** Makes the link visible to its owner and the listener. */
    void open() {
        if (opened || state != State.OPEN) {
            return;
        }
        opened = true;
        metrics.linksOpened.increment();
        log.info("{}: link open ({} side, peer {})", this, side == Side.SERVER ? "server" : "client",
                remoteAddress());
        hooks.opened(this);
        guard("onOpen", () -> listener.onOpen(this));
    }

    Channel channel() {
        return channel;
    }

    /** Commands waiting in the outbound queue; on the event loop only (tests). */
    int queuedCommands() {
        return queue.size();
    }

    TcpSettings settings() {
        return settings;
    }

    boolean isOpened() {
        return opened;
    }

    void pingReceived() {
        pingReceived = true;
    }

    boolean hasReceivedPing() {
        return pingReceived;
    }

    /** Keeps the peer's name escaped and cut: it is shown and logged everywhere. */
    void setName(String name) {
        this.name = PeerText.name(name);
        this.counts = metrics.commands.peer(this.name);
    }

    /** Counts a command received from the peer (under its name). */
    void countReceived(CommandType type) {
        counts.received(type);
    }

    /**
     * Commands waiting in the outbound queue, read from any thread: approximate (the queue belongs to
     * the event loop), for the pending-commands gauge.
     */
    @Override
    public int pendingCommands() {
        return queue.size();
    }

    /** Whether what the peer sends is still acted upon (not once the link started closing). */
    boolean acceptsInput() {
        return state == State.OPEN;
    }

    void peerError(String text) {
        lastPeerError = text;
    }

    void deliver(Command command) {
        deliveredSinceRead = true;
        guard("onCommand", () -> listener.onCommand(this, command));
    }

    private void tellReadComplete() {
        listener.onReadComplete(this);
    }

    /** The read that delivered commands is over: the listener may act on them together. */
    void readComplete() {
        if (deliveredSinceRead) {
            deliveredSinceRead = false;
            guard("onReadComplete", readCompleteCall);
        }
    }

    /** Sends {@code ERROR reason} and closes once written; aborts if that takes too long. */
    void closeWithError(String reason) {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        recordReason("sent ERROR " + reason);
        queue.clear();
        clearInbox();
        log.info("{}: closing: ERROR {}", this, reason);
        if (ctx == null || !channel.isActive()) {
            channel.close();
            return;
        }
        byte[] line = CommandCodec.encodeLine(new ErrorCommand(reason), settings.dialect());
        metrics.errorsSent.increment();
        metrics.commandsSent.increment();
        counts.sent(CommandType.ERROR);
        metrics.bytesSent.add(line.length);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(line)).addListener(ChannelFutureListener.CLOSE);
        Duration timeout = settings.closeTimeout();
        closeTimer = loop.schedule(() -> {
            if (channel.isOpen()) {
                abort("close did not finish within " + timeout.toMillis() + " ms");
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Hard close: drops whatever is unsent and resets the connection. */
    void abort(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSING;
        recordReason(why);
        metrics.aborts.increment();
        log.warn("{}: aborting the connection: {}", this, why);
        queue.clear();
        clearInbox();
        try {
            // Linger 0 makes close() send RST instead of waiting for unsent data to drain.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            log.debug("{}: cannot set SO_LINGER: {}", this, e.toString());
        }
        channel.close();
    }

    /** Closes without ERROR (connection failure). */
    void closeQuietly(String why) {
        if (state == State.OPEN) {
            state = State.CLOSING;
        }
        recordReason(why);
        channel.close();
    }

    /** The channel closed: tell the listener and the owner, complete the close future. */
    void closed() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        catchUpVisible = false;
        cancel(unwritableCheck);
        cancel(closeTimer);
        handshakeDone();
        queue.clear();
        clearInbox();
        String reason = closeReason != null ? closeReason
                : lastPeerError != null ? "peer closed the connection after ERROR " + lastPeerError
                : "peer closed the connection";
        log.info("{}: link closed: {}", this, reason);
        if (opened) {
            metrics.linksClosed.increment();
            metrics.closeReasons.increment(closeKind(closeReason, lastPeerError));
            guard("onClose", () -> listener.onClose(this, reason));
        }
        try {
            if (active) {
                // A connection that never came up is the connecting side's business, not a close.
                hooks.closed(this);
            }
        } finally {
            closeFuture.complete(null);
        }
    }

    /** A close reason as a short label for metrics (the reasons themselves are for logs). */
    static String closeKind(String closeReason, String lastPeerError) {
        if (closeReason == null) {
            return lastPeerError != null ? "peer_error" : "peer_closed";
        }
        if (closeReason.startsWith("sent ERROR ping timeout")) {
            return "ping_timeout";
        }
        if (closeReason.startsWith("sent ERROR Failed to keep up")) {
            return "failed_to_keep_up";
        }
        if (closeReason.startsWith("sent ERROR")) {
            return "error_sent";
        }
        if (closeReason.startsWith("socket unwritable")) {
            return "unwritable";
        }
        if (closeReason.startsWith("connection error")) {
            return "connection_error";
        }
        if (closeReason.startsWith("client shutting down")) {
            return "shutdown";
        }
        return "aborted";
    }

    private void clearInbox() {
        inbox.clear();
        inboxSize.set(0);
        inboxGaps.clear();
    }

    private void recordReason(String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    private void guard(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            metrics.listenerFailures.increment();
            log.error("{}: listener {} failed", this, what, e);
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                // the event loop shut down with its owner: the link is gone, and so is anything to do on it
                log.debug("{}: event loop already stopped; call ignored", this);
            }
        }
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private static String oneLine(String text) {
        if (text == null || text.isEmpty()) {
            return "closing";
        }
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
