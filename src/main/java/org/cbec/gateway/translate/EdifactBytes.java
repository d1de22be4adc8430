package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The raw bytes of one interchange, around what StAEDI reads: where the interchange starts (after a byte order
 * mark and leading line breaks), the service string advice {@code UNA} with its separators, and what stands at an
 * offset where the parser had to stop, named for the sender.
 */
final class EdifactBytes {
    static final int UNA_LENGTH = 9;

    private final byte[] document;
    private final int start;
    private boolean serviceStringAdvice;
    private EdifactSeparators separators = EdifactSeparators.DEFAULT;
    private char decimalMark = '.';

    EdifactBytes(byte[] document) {
        this.document = document;
        int first = Utf8.bomLength(document);
        while (first < document.length && isWhitespace(document[first])) {
            first++; // as FormatRecognizer does: leading line breaks are harmless
        }
        this.start = first;
    }

    /** Where the interchange starts: after a byte order mark and leading white space. */
    int start() {
        return start;
    }

    boolean isEmpty() {
        return start >= document.length;
    }

    /** Whether the interchange starts with {@code UNA}. */
    boolean hasServiceStringAdvice() {
        return serviceStringAdvice;
    }

    char releaseCharacter() {
        return separators.release();
    }

    char segmentTerminator() {
        return separators.terminator();
    }

    /** The decimal mark the {@code UNA} advises, {@code .} without one. */
    char decimalMark() {
        return decimalMark;
    }

    /** Checks {@code UNA} and takes its separators; false (with an error) when they cannot be used. */
    boolean serviceStringAdvice(EdifactErrors errors) {
        if (!AsciiText.regionMatches(document, start, document.length, "UNA")) {
            return true;
        }
        serviceStringAdvice = true;
        String where = EdifactSegment.at(1, "UNA");
        if (document.length - start < UNA_LENGTH) {
            errors.add(1, where, "is cut short: UNA is followed by six service characters");
            return false;
        }
        EdifactSeparators advised = EdifactSeparators.advisedBy(document, start);
        char component = advised.component();
        char element = advised.element();
        char decimal = (char) (document[start + 5] & 0xFF);
        char release = advised.release();
        char repetition = (char) (document[start + 7] & 0xFF);
        char terminator = advised.terminator();
        List<Character> used = new ArrayList<>(List.of(component, element, terminator));
        boolean usable = isServiceCharacter(component) && isServiceCharacter(element) && isServiceCharacter(terminator);
        for (char optional : new char[] {release, repetition}) {
            if (optional != ' ') { // a space means "not used" in syntax versions 1 to 3
                usable &= isServiceCharacter(optional);
                used.add(optional);
            }
        }
        usable &= used.stream().distinct().count() == used.size();
        if (!usable) {
            errors.add(
                    1,
                    where,
                    "must give distinct component separator, element separator, release character "
                            + "and segment terminator, each an ASCII punctuation character");
        }
        if (decimal != '.' && decimal != ',') {
            errors.add(1, where, "must give . or , as decimal mark");
            usable = false;
        }
        separators = advised;
        decimalMark = decimal;
        return usable;
    }

    /** Printable ASCII but no letter or digit, so that separators never clash with tags or text. */
    private static boolean isServiceCharacter(char c) {
        return c > ' ' && c < 0x7F && !Character.isLetterOrDigit(c);
    }

    /** Whether the parser's {@code offset} (from {@link #start}) is at or past the end of the document. */
    boolean atEnd(int offset) {
        return offset >= document.length - start;
    }

    /**
     * The index of a release character at the end of the document that escapes the final segment terminator
     * (or nothing at all), else -1.
     */
    int escapingRelease() {
        if (separators.release() == ' ') {
            return -1;
        }
        int end = document.length;
        while (end > start && isWhitespace(document[end - 1])) {
            end--;
        }
        if (end > start && (document[end - 1] & 0xFF) == separators.terminator()) {
            end--;
        }
        int releases = 0;
        while (end - releases > start && (document[end - releases - 1] & 0xFF) == separators.release()) {
            releases++;
        }
        return releases % 2 == 1 ? end - 1 : -1;
    }

    /** The byte before the parser's {@code offset}, where it stopped, in words. */
    String offending(int offset) {
        int index = start + offset - 1;
        return index >= start && index < document.length
                ? String.format(Locale.ROOT, "the character 0x%02X", document[index] & 0xFF)
                : "what follows";
    }

    /** The first characters of a segment that could not be read, printable and short, to name it. */
    String rawTag(int offset) {
        StringBuilder tag = new StringBuilder();
        int i = start + offset;
        while (i < document.length && isWhitespace(document[i])) {
            i++;
        }
        for (; i < document.length && tag.length() < EdifactSegment.MAX_SHOWN_TAG; i++) {
            char c = (char) (document[i] & 0xFF);
            if (c == separators.terminator()
                    || c == separators.element()
                    || c == separators.component()
                    || isWhitespace(document[i])) {
                break;
            }
            tag.append(c > ' ' && c < 0x7F ? c : '?');
        }
        return tag.toString();
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
