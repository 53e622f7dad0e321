/**
 * Typed rows of Synapse's streams: {@link org.myelin.core.rows.SynapseRows#decode} turns a raw row
 * into a {@link org.myelin.core.rows.SynapseRow} record (a {@link org.myelin.core.rows.RawRow} for
 * anything unknown), and every row encodes back to the bytes it came from, or to what a chosen
 * {@link org.myelin.core.rows.RowFlavour} of Synapse writes.
 *
 * <p>The records, {@code SynapseRows}, {@code RowFlavour} and {@code TypedRowHandler} are public; the
 * field readers and writers are internals of this package.
 */
package org.myelin.core.rows;
