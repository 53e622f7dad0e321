package org.myelin.redis;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Synapse 1.66 captures are: {@code ../shared/vectors/synapse-1.66}, or as overridden. */
final class Vectors {
    private Vectors() {}

    static Path dir() {
        String override = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        for (Path candidate : new Path[] {
                override == null ? null : Path.of(override),
                Path.of("../shared/vectors/synapse-1.66"), Path.of("../../shared/vectors/synapse-1.66")}) {
            if (candidate != null && Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("vectors not found from " + Path.of("").toAbsolutePath()
                + "; set -Dmyelin.vectors=DIR");
    }
}
