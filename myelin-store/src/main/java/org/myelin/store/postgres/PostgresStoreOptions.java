package org.myelin.store.postgres;

import java.time.Duration;

/**
 * Where and how a {@link PostgresStreamStore} connects.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://} URL (see {@link PostgresUrls#toJdbc} for the
 *     {@code postgresql://} form); user and password go in it as parameters
 * @param schema the schema holding Myelin's tables, created when missing ({@code public} by default;
 *     tests use one each)
 * @param poolSize how many connections the store keeps: appends and reads share them
 * @param statementTimeout how long one statement may run before PostgreSQL cancels it
 * @param connectTimeout how long opening a connection may take, at start and after a loss
 * @param retryFor how long an append keeps retrying a lost database (with backoff) before failing
 * @param retryInitialDelay the first wait before retrying; it doubles up to {@code retryMaxDelay}
 * @param retryMaxDelay the longest wait between two tries
 */
public record PostgresStoreOptions(
        String jdbcUrl, String schema, int poolSize, Duration statementTimeout, Duration connectTimeout,
        Duration retryFor, Duration retryInitialDelay, Duration retryMaxDelay) {
    /** The first wait before retrying a lost database, by default. */
    public static final Duration DEFAULT_RETRY_INITIAL_DELAY = Duration.ofMillis(50);
    /** The longest wait between two tries, by default. */
    public static final Duration DEFAULT_RETRY_MAX_DELAY = Duration.ofSeconds(2);

    /** @throws IllegalArgumentException if a value is missing or out of range */
    public PostgresStoreOptions {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a jdbc:postgresql: URL: " + PostgresUrls.redact(jdbcUrl));
        }
        if (schema == null || !schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("schema must be 1-63 of a-z 0-9 _ not starting with a digit, was " + schema);
        }
        if (poolSize < 2) {
            throw new IllegalArgumentException("poolSize must be at least 2 (an append and a read at once)");
        }
        requirePositive("statementTimeout", statementTimeout);
        requirePositive("connectTimeout", connectTimeout);
        if (retryFor == null || retryFor.isNegative()) {
            throw new IllegalArgumentException("retryFor must be zero or positive");
        }
        requirePositive("retryInitialDelay", retryInitialDelay);
        requirePositive("retryMaxDelay", retryMaxDelay);
        if (retryMaxDelay.compareTo(retryInitialDelay) < 0) {
            throw new IllegalArgumentException("retryMaxDelay " + retryMaxDelay + " is below retryInitialDelay "
                    + retryInitialDelay);
        }
    }

    /** With the default retry backoff (50 ms doubling to 2 s). */
    public PostgresStoreOptions(String jdbcUrl, String schema, int poolSize, Duration statementTimeout,
            Duration connectTimeout, Duration retryFor) {
        this(jdbcUrl, schema, poolSize, statementTimeout, connectTimeout, retryFor, DEFAULT_RETRY_INITIAL_DELAY,
                DEFAULT_RETRY_MAX_DELAY);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be between 1 ms and Integer.MAX_VALUE ms");
        }
    }

    /**
     * Defaults for {@code url} (either form): the schema of its {@code currentSchema} parameter, else
     * {@code public}; 8 connections, 30 s statement
     * timeout, 5 s connect timeout, appends retried for 30 s (waits 50 ms doubling to 2 s).
     */
    public static PostgresStoreOptions of(String url) {
        String jdbc = PostgresUrls.toJdbc(url);
        return new PostgresStoreOptions(jdbc, PostgresUrls.currentSchema(jdbc).orElse("public"), 8,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** These options in another schema. */
    public PostgresStoreOptions withSchema(String other) {
        return new PostgresStoreOptions(jdbcUrl, other, poolSize, statementTimeout, connectTimeout, retryFor,
                retryInitialDelay, retryMaxDelay);
    }

    /** These options with another pool size and timeouts. */
    public PostgresStoreOptions withTuning(int pool, Duration statement, Duration connect, Duration retry) {
        return new PostgresStoreOptions(jdbcUrl, schema, pool, statement, connect, retry, retryInitialDelay,
                retryMaxDelay);
    }

    /** These options with another retry budget for a lost database. */
    public PostgresStoreOptions withRetryFor(Duration other) {
        return new PostgresStoreOptions(jdbcUrl, schema, poolSize, statementTimeout, connectTimeout, other,
                retryInitialDelay, retryMaxDelay);
    }

    /** These options with another retry backoff. */
    public PostgresStoreOptions withRetryBackoff(Duration initial, Duration max) {
        return new PostgresStoreOptions(jdbcUrl, schema, poolSize, statementTimeout, connectTimeout, retryFor, initial,
                max);
    }
}
