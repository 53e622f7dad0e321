/**
 * The {@link org.myelin.store.StreamStore} on PostgreSQL: one database shared by several writer
 * processes per stream (tokens from a shared per-stream sequence, each writer's "persisted up to"
 * position) and read by workers on any machine.
 */
package org.myelin.store.postgres;
