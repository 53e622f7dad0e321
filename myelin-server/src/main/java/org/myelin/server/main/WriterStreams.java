package org.myelin.server.main;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.myelin.core.ReplicationEngine;
import org.myelin.core.outbound.OutboundStream;
import org.myelin.core.stream.SynapseStreams;
import org.myelin.core.stream.UpdateFunction;
import org.myelin.http.api.AppendRowsEndpoint;
import org.myelin.protocol.RawJson;
import org.myelin.store.StreamStore;

/**
 * The streams the main process writes: appends go to the store, then the in-memory current token
 * moves and the streamer is poked. Keeping the token in memory spares the streamer a database
 * query per stream and wake-up; the store stays the source of truth across restarts.
 */
final class WriterStreams {
    /** Stream names a line can carry as one word and a URL as one segment (not {@code .} or {@code ..}). */
    static final Pattern NAME = AppendRowsEndpoint.STREAM_NAME;

    private final StreamStore store;
    private final String instance;
    private final Map<String, AtomicLong> current = new ConcurrentHashMap<>();
    private ReplicationEngine engine;

    WriterStreams(StreamStore store, String instance, List<String> initial) {
        this.store = store;
        this.instance = instance;
        for (String name : initial) {
            current.put(name, new AtomicLong(store.currentToken(name, instance)));
        }
    }

    /** The engine to poke; set once it is built (it needs {@link #outbound} first). */
    void attach(ReplicationEngine engine) {
        this.engine = engine;
    }

    /** The streams known at start, for the engine's builder. */
    List<OutboundStream> outbound() {
        return current.keySet().stream().sorted(this::catalogueOrder).map(this::outbound).toList();
    }

    /** Catalogue streams first, in Synapse's order (as a Synapse main announces them), then the rest by name. */
    private int catalogueOrder(String a, String b) {
        int ia = SynapseStreams.NAMES.indexOf(a);
        int ib = SynapseStreams.NAMES.indexOf(b);
        if (ia >= 0 && ib >= 0) {
            return Integer.compare(ia, ib);
        }
        if (ia >= 0 || ib >= 0) {
            return ia >= 0 ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private OutboundStream outbound(String name) {
        AtomicLong token = current.get(name);
        return new OutboundStream(name, token::get, store.updateFunction(name));
    }

    /**
     * Appends rows, each with its own token or all sharing one, and streams them.
     *
     * @throws IllegalArgumentException for a bad stream name or row
     */
    List<Long> append(String stream, List<RawJson> rows, boolean sameToken) {
        if (!NAME.matcher(stream).matches()) {
            throw new IllegalArgumentException(
                    "stream names are 1-100 letters, digits, '_', '.' or '-', and not '.' or '..'");
        }
        AtomicLong token = current.get(stream);
        if (token == null) {
            token = addStream(stream);
        }
        List<Long> tokens = store.append(stream, instance, rows, sameToken);
        if (!tokens.isEmpty()) {
            long last = tokens.get(tokens.size() - 1);
            token.accumulateAndGet(last, Math::max);
            engine.poke();
        }
        return tokens;
    }

    private synchronized AtomicLong addStream(String stream) {
        AtomicLong token = current.get(stream);
        if (token == null) {
            long from = store.currentToken(stream, instance);
            token = new AtomicLong(from);
            current.put(stream, token);
            engine.addWrittenStream(outbound(stream), from);
        }
        return token;
    }

    /** The update function of a stream this process writes, empty for one it does not know. */
    Optional<UpdateFunction> updates(String stream) {
        return current.containsKey(stream) ? Optional.of(store.updateFunction(stream)) : Optional.empty();
    }

    /** Every stream's current token, by name. */
    Map<String, Long> positions() {
        Map<String, Long> out = new TreeMap<>();
        current.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
