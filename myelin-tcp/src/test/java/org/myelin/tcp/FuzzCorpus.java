package org.myelin.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Inputs for fuzzing the line side: the command lines of the Synapse 1.66 captures
 * ({@code ../shared/vectors/synapse-1.66/*.txt}), mutated, joined, made overlong or invalid UTF-8,
 * and split at random byte boundaries. Everything is drawn from a {@link Random} the caller seeds.
 */
final class FuzzCorpus {
    private static final Pattern CAPTURED = Pattern.compile("^\\s*[\\d.]+\\s+(?:\\S+\\s+)?[<>] (.*)$");
    private static final Pattern SENT = Pattern.compile("^\\s*sent: b'(.*)'\\s*$");
    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xe2, (byte) 0x82}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0x80},
    };
    private static final String[] WORDS = {
        "RDATA", "POSITION", "PING", "NAME", "REPLICATE", "USER_SYNC", "REMOTE_SERVER_UP", "ERROR", "SERVER",
        "CLEAR_USER_SYNC", "FEDERATION_ACK", "USER_IP", "batch", "master", "events", "-1", "99999999999999999999",
        "[", "]", "{", "\"", "null", " ", "  ", "\r", "\t", "\u00e9", "\ud83d\ude00",
    };

    private final List<byte[]> lines;

    private FuzzCorpus(List<byte[]> lines) {
        this.lines = lines;
    }

    /** The lines of every capture of the vectors. */
    static FuzzCorpus load() {
        Set<String> seen = new LinkedHashSet<>();
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(vectors())) {
            for (Path file : files.filter(p -> p.toString().endsWith(".txt")).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Matcher captured = CAPTURED.matcher(line);
                    Matcher sent = SENT.matcher(line);
                    byte[] bytes = null;
                    if (captured.matches()) {
                        bytes = captured.group(1).getBytes(StandardCharsets.UTF_8);
                    } else if (sent.matches()) {
                        bytes = pythonBytes(sent.group(1));
                    }
                    if (bytes != null && seen.add(new String(bytes, StandardCharsets.ISO_8859_1))) {
                        out.add(bytes);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (out.size() < 50) {
            throw new IllegalStateException("only " + out.size() + " lines found in " + vectors());
        }
        return new FuzzCorpus(List.copyOf(out));
    }

    int size() {
        return lines.size();
    }

    /** One input: a few lines, each kept, mutated or replaced by something worse, joined by {@code \n}. */
    byte[] input(Random random, int maxLineBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            byte[] line = line(random, maxLineBytes);
            out.write(line, 0, line.length);
            int end = random.nextInt(20);
            if (end == 0 && i == count - 1) {
                continue; // the last line unfinished
            }
            if (end == 1) {
                out.write('\r');
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Splits bytes at random boundaries (some chunks empty, some single bytes). */
    static List<byte[]> split(Random random, byte[] input) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int size = switch (random.nextInt(4)) {
                case 0 -> 1;
                case 1 -> random.nextInt(8);
                case 2 -> random.nextInt(64);
                default -> random.nextInt(input.length - at + 1);
            };
            size = Math.min(size, input.length - at);
            byte[] chunk = new byte[size];
            System.arraycopy(input, at, chunk, 0, size);
            chunks.add(chunk);
            at += size;
        }
        return chunks;
    }

    private byte[] line(Random random, int maxLineBytes) {
        byte[] base = lines.get(random.nextInt(lines.size()));
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> base;
            case 3, 4, 5 -> mutate(random, base);
            case 6 -> mutate(random, mutate(random, mutate(random, base)));
            case 7 -> overlong(random, base, maxLineBytes);
            case 8 -> words(random);
            default -> garbage(random);
        };
    }

    private static byte[] mutate(Random random, byte[] line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = line.length == 0 ? 0 : random.nextInt(line.length + 1);
        switch (random.nextInt(7)) {
            case 0 -> { // flip a byte
                byte[] copy = line.clone();
                if (copy.length > 0) {
                    copy[Math.min(at, copy.length - 1)] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            }
            case 1 -> { // insert invalid UTF-8
                out.write(line, 0, at);
                byte[] bad = BAD_UTF8[random.nextInt(BAD_UTF8.length)];
                out.write(bad, 0, bad.length);
                out.write(line, at, line.length - at);
            }
            case 2 -> { // cut
                out.write(line, 0, at);
            }
            case 3 -> { // delete a range
                int end = Math.min(line.length, at + random.nextInt(10));
                out.write(line, 0, at);
                out.write(line, end, line.length - end);
            }
            case 4 -> { // insert a word
                out.write(line, 0, at);
                byte[] word = WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.UTF_8);
                out.write(word, 0, word.length);
                out.write(line, at, line.length - at);
            }
            case 5 -> { // insert a control byte (never \n: that makes two lines, covered elsewhere)
                out.write(line, 0, at);
                int control = random.nextInt(32);
                out.write(control == '\n' ? 0 : control);
                out.write(line, at, line.length - at);
            }
            default -> { // duplicate a range
                int end = Math.min(line.length, at + random.nextInt(40));
                out.write(line, 0, end);
                out.write(line, at, line.length - at);
            }
        }
        return out.toByteArray();
    }

    private static byte[] overlong(Random random, byte[] base, int maxLineBytes) {
        int length = maxLineBytes - 2 + random.nextInt(maxLineBytes / 2 + 4);
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            byte b = base.length == 0 ? (byte) 'x' : base[i % base.length];
            out[i] = b == '\n' ? (byte) ' ' : b;
        }
        return out;
    }

    private static byte[] words(Random random) {
        StringBuilder out = new StringBuilder();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            out.append(WORDS[random.nextInt(WORDS.length)]);
            if (random.nextBoolean()) {
                out.append(' ');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] garbage(Random random) {
        byte[] out = new byte[random.nextInt(200)];
        random.nextBytes(out);
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                out[i] = 0;
            }
        }
        return out;
    }

    /** Decodes the body of a Python bytes literal as the captures print it. */
    private static byte[] pythonBytes(String literal) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c != '\\' || i + 1 == literal.length()) {
                out.write(c & 0xff);
                continue;
            }
            char e = literal.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'x' -> {
                    if (i + 2 < literal.length()) {
                        out.write(Integer.parseInt(literal.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                }
                default -> out.write(e);
            }
        }
        byte[] all = out.toByteArray();
        // The literal is what was sent, usually ending in \n: keep the line before it.
        int end = all.length;
        while (end > 0 && all[end - 1] == '\n') {
            end--;
        }
        byte[] line = new byte[end];
        System.arraycopy(all, 0, line, 0, end);
        return line;
    }

    static Path vectors() {
        String override = System.getProperty("myelin.vectors", System.getenv("MYELIN_VECTORS"));
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path sibling = p.resolveSibling("shared").resolve("vectors/synapse-1.66");
            if (Files.isDirectory(sibling)) {
                return sibling;
            }
        }
        throw new IllegalStateException("cannot find ../shared/vectors/synapse-1.66 above "
                + Path.of("").toAbsolutePath() + "; set -Dmyelin.vectors=DIR");
    }
}
