package org.myelin.core.outbound;

import java.util.function.LongSupplier;
import org.myelin.core.stream.UpdateFunction;

/**
 * A stream this process writes, as the streamer sees it.
 *
 * @param name the stream name
 * @param currentToken the writer's current token: every row at or below it is readable through
 *     {@code updates}
 * @param updates reads rows out of the writer's store
 */
public record OutboundStream(String name, LongSupplier currentToken, UpdateFunction updates) {}
