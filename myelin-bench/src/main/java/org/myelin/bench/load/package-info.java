/**
 * The load harness behind {@code myelin bench}: a writer and N workers built with the
 * {@code myelin-node} facade (over loopback TCP or Redis), rows written at a chosen rate, every row
 * checked to arrive once and in order, throughput and write-to-delivery latency reported against a
 * baseline of readers polling the store. Only {@link org.myelin.bench.load.BenchCommand}, the
 * picocli command the {@code myelin} program registers, is public.
 */
package org.myelin.bench.load;
