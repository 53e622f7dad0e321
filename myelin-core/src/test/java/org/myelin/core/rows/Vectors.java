package org.myelin.core.rows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the reference captures ({@code ../shared/vectors/synapse-1.66} beside the project); a copy of
 * myelin-protocol's test helper, which test classpaths do not share.
 * A missing directory fails the test: these are the conformance vectors, not optional extras.
 */
final class Vectors {
    private Vectors() {}

    static Path dir() {
        String override = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/vectors/synapse-1.66");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            Path sibling = p.resolveSibling("shared").resolve("vectors/synapse-1.66");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        throw new IllegalStateException("cannot find shared/vectors/synapse-1.66 above "
                + Path.of("").toAbsolutePath() + "; set -Dmyelin.vectors=DIR");
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    static List<Path> files() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
