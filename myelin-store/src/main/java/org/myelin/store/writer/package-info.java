/**
 * The writer API: {@link org.myelin.store.writer.StreamWriter} appends rows to a
 * {@link org.myelin.store.StreamStore} and streams them through a replication engine.
 */
package org.myelin.store.writer;
