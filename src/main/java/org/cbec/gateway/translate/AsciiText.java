package org.cbec.gateway.translate;

import java.nio.charset.StandardCharsets;

/**
 * The text of a document whose bytes are all ASCII, read where the bytes are: each byte is its character,
 * so a 10 MB list is not held a second time as a decoded string. Only a cell's own text is copied, when it
 * is asked for. A document with any other byte is decoded into a string as usual ({@link #of}).
 */
final class AsciiText implements CharSequence {
    private final byte[] bytes;
    private final int from;
    private final int length;

    /** Whether {@code document[at, end)} starts with the ASCII {@code text}, byte for byte. */
    static boolean regionMatches(byte[] document, int at, int end, String text) {
        if (at < 0 || at + text.length() > end) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (document[at + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private AsciiText(byte[] bytes, int from, int length) {
        this.bytes = bytes;
        this.from = from;
        this.length = length;
    }

    /**
     * The text of {@code document} from {@code from} on, which must be valid UTF-8: a view of its bytes when
     * they are all ASCII (the common case for an AEO list, and the one where the copy is large), else a string.
     */
    static CharSequence of(byte[] document, int from) {
        return of(document, from, document.length);
    }

    /** The same for the text in {@code document[from, end)}. */
    static CharSequence of(byte[] document, int from, int end) {
        for (int i = from; i < end; i++) {
            if (document[i] < 0) {
                return new String(document, from, end - from, StandardCharsets.UTF_8);
            }
        }
        return new AsciiText(document, from, end - from);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) bytes[from + index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        if (start < 0 || end > length || start > end) {
            throw new IndexOutOfBoundsException("[" + start + ", " + end + ") of " + length);
        }
        return new AsciiText(bytes, from + start, end - start);
    }

    @Override
    public String toString() {
        return new String(bytes, from, length, StandardCharsets.US_ASCII);
    }
}
