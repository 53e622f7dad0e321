/**
 * The SQLite stream store: one {@code myelin.db} file per data directory, in WAL mode, its schema
 * migrated by Flyway from {@code db/migration/sqlite}.
 *
 * <p>Only {@link org.myelin.store.sqlite.SqliteStreamStore} and
 * {@link org.myelin.store.sqlite.SqliteStoreOptions} are public; the appender, the reader and the
 * schema handling are internals of this package.
 */
package org.myelin.store.sqlite;
