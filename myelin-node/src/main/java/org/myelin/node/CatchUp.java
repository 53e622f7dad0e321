package org.myelin.node;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.myelin.core.stream.UpdateFunction;

/**
 * A worker's catch-up sources: one per writer instance, and a default for the others. A stream's
 * update function picks the source of the instance asked for at each call.
 */
final class CatchUp {
    private final Map<String, Function<String, UpdateFunction>> byInstance = new HashMap<>();
    private Function<String, UpdateFunction> fallback;

    void set(String instance, Function<String, UpdateFunction> source) {
        if (instance == null) {
            fallback = source;
        } else {
            byInstance.put(instance, source);
        }
    }

    boolean isEmpty() {
        return fallback == null && byInstance.isEmpty();
    }

    /** The update function of one stream, dispatching on the writer instance of each call. */
    UpdateFunction forStream(String stream) {
        Map<String, Function<String, UpdateFunction>> sources = Map.copyOf(byInstance);
        Function<String, UpdateFunction> otherwise = fallback;
        return (instance, from, upto, limit) -> {
            Function<String, UpdateFunction> source = sources.getOrDefault(instance, otherwise);
            if (source == null) {
                throw new IllegalStateException("no catch-up source for writer instance '" + instance
                        + "' (give one with catchUpFrom(...) for it or for every instance)");
            }
            return source.apply(stream).getUpdates(instance, from, upto, limit);
        };
    }
}
