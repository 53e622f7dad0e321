/**
 * Durable stream storage: the {@link org.myelin.store.StreamStore} a writer appends rows to and
 * readers catch up from, independent of the database behind it.
 *
 * <p>Implementations live in sub-packages by database; {@link org.myelin.store.sqlite} is the
 * embedded default.
 */
package org.myelin.store;
