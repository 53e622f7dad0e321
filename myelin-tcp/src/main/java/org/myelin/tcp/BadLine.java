package org.myelin.tcp;

/**
 * What {@link LineDecoder} passes on instead of a command when a line is bad, so that the
 * failure reaches the link handler in order with the commands before it.
 *
 * @param tooLong whether the line was over the limit (otherwise it did not parse)
 * @param reason the text to send back after {@code ERROR }
 */
record BadLine(boolean tooLong, String reason) {}
