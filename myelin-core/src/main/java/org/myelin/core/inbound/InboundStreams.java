package org.myelin.core.inbound;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.myelin.core.stream.UpdateFunction;

/**
 * Which streams a worker follows and how it catches up on each.
 *
 * @param followed the streams followed by name, or empty to follow every stream announced
 * @param expected streams the writer should announce: once all of them were announced the link need
 *     not wait for the rest of the writer's answer to REPLICATE; one the writer does not announce is
 *     logged (WARN) and does not hold the link back
 * @param catchUp the update function for a stream name, or null when it cannot be fetched
 */
public record InboundStreams(Set<String> followed, Set<String> expected, Function<String, UpdateFunction> catchUp) {
    /** Copies the sets. */
    public InboundStreams {
        followed = Set.copyOf(followed);
        expected = Set.copyOf(expected);
    }

    /** Follows exactly these streams, each with its own update function. */
    public static InboundStreams of(Map<String, UpdateFunction> streams) {
        return new InboundStreams(streams.keySet(), streams.keySet(), streams::get);
    }

    /** Whether rows of this stream are wanted. */
    public boolean follows(String stream) {
        return followed.isEmpty() || followed.contains(stream);
    }

    /** The update function for a followed stream. */
    public Optional<UpdateFunction> updates(String stream) {
        return Optional.ofNullable(catchUp.apply(stream));
    }
}
