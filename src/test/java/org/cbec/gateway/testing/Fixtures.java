package org.cbec.gateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Business documents from {@code src/test/resources/messages/{valid,invalid}/}, named after what they are
 * or what is wrong with them. {@code {{N}}} in a fixture becomes a fresh 9-digit number, so every test
 * sends business keys of its own.
 */
public final class Fixtures {
    private Fixtures() {}

    /** A document with its {@code {{N}}} placeholder filled. */
    public record Document(String number, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    public static Document load(String path) {
        String number = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L));
        return new Document(number, raw(path, number));
    }

    /** Like {@link #load}, replacing {{N}} byte for byte: for fixtures whose defect is in their bytes (invalid UTF-8). */
    public static Document loadBytes(String path) {
        String number = String.valueOf(ThreadLocalRandom.current().nextLong(100_000_000L, 1_000_000_000L));
        try (InputStream in = Fixtures.class.getResourceAsStream("/messages/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture messages/" + path);
            }
            byte[] bytes = in.readAllBytes();
            byte[] marker = "{{N}}".getBytes(StandardCharsets.US_ASCII);
            byte[] replacement = number.getBytes(StandardCharsets.US_ASCII);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < bytes.length; i++) {
                if (i + marker.length <= bytes.length
                        && java.util.Arrays.equals(bytes, i, i + marker.length, marker, 0, marker.length)) {
                    out.write(replacement, 0, replacement.length);
                    i += marker.length - 1;
                } else {
                    out.write(bytes[i]);
                }
            }
            return new Document(number, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] raw(String path, String number) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/messages/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture messages/" + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{N}}", number)
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signed body with one byte of the signed content flipped: the signature no longer covers it. */
    public static byte[] withByteFlippedInContent(byte[] signed, byte[] content) {
        byte[] tampered = signed.clone();
        int at = indexOf(tampered, content);
        if (at < 0) {
            throw new IllegalArgumentException("content not found in the signed body");
        }
        tampered[at + content.length / 2] ^= 0x01;
        return tampered;
    }

    /** The first {@code length} bytes only: a DER structure cut short. */
    public static byte[] truncated(byte[] signed, int length) {
        return java.util.Arrays.copyOf(signed, length);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
