package org.cbec.gateway.translate;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Strict UTF-8 checks shared by the text formats: a document with a malformed byte sequence is refused. */
final class Utf8 {

    private static final int CHUNK_CHARS = 8192;

    private Utf8() {}

    /** 3 when the document starts with a UTF-8 byte order mark, else 0. */
    static int bomLength(byte[] document) {
        return bomLength(document, 0, document.length);
    }

    /** The same for the document in {@code document[from, end)}. */
    static int bomLength(byte[] document, int from, int end) {
        return end - from >= 3
                        && (document[from] & 0xFF) == 0xEF
                        && (document[from + 1] & 0xFF) == 0xBB
                        && (document[from + 2] & 0xFF) == 0xBF
                ? 3
                : 0;
    }

    /**
     * One error per run of malformed bytes from {@code from} on, located by its byte offset in the whole
     * document (BOM included), the message naming its line. The JDK decoder is strict: it also refuses
     * overlong forms, encoded surrogates and code points beyond U+10FFFF.
     */
    static List<LocatedError> malformedSequences(byte[] document, int from) {
        return malformedSequences(document, 0, from, document.length);
    }

    /**
     * The same for the document in {@code document[start, end)}, checked from {@code from} on; offsets are
     * counted from {@code start}, where the document begins.
     */
    static List<LocatedError> malformedSequences(byte[] document, int start, int from, int end) {
        List<LocatedError> errors = new ArrayList<>();
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(document, from, end - from);
        CharBuffer out = CharBuffer.allocate(CHUNK_CHARS);
        LineCounter lines = new LineCounter(document, start);
        int previousEnd = -1;
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                int offset = in.position();
                if (offset != previousEnd) { // bad bytes in a row are one defect, reported once
                    errors.add(new LocatedError(
                            "byte " + (offset - start), "invalid UTF-8 byte sequence on line " + lines.lineAt(offset)));
                }
                previousEnd = offset + result.length();
                in.position(previousEnd);
            } else if (result.isOverflow()) {
                out.clear(); // only validity matters here, not the characters
            } else {
                break;
            }
        }
        return errors;
    }

    /** Line numbers of increasing byte offsets, counted once over the document. */
    private static final class LineCounter {
        private final byte[] document;
        private int scanned;
        private int line = 1;

        LineCounter(byte[] document, int start) {
            this.document = document;
            this.scanned = start;
        }

        int lineAt(int offset) {
            for (; scanned < offset; scanned++) {
                if (document[scanned] == '\n') {
                    line++;
                }
            }
            return line;
        }
    }
}
