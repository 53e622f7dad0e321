package org.myelin.store.postgres;

import java.time.Duration;
import java.util.List;
import org.myelin.protocol.RawJson;

/**
 * A writer process for {@link WriterCrashTest}: appends one row to {@code events} as instance
 * {@code crashy}. The test blocks inserts into {@code stream_rows}, so the append takes its token
 * and then waits inside its open transaction, at its insert, until the test kills this JVM
 * with {@code kill -9}. Arguments: JDBC URL, schema.
 */
public final class HoldingWriter {
    private HoldingWriter() {}

    public static void main(String[] args) {
        PostgresStoreOptions options = new PostgresStoreOptions(args[0], args[1], 2, Duration.ofMinutes(5),
                Duration.ofSeconds(5), Duration.ofSeconds(0));
        PostgresStreamStore store = PostgresStreamStore.open(options);
        System.out.println("OPEN");
        System.out.flush();
        store.append("events", "crashy", List.of(RawJson.of("[\"never acknowledged\"]")), false);
        System.out.println("APPENDED (the test should have killed this process)");
    }
}
