package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * U+0000 in a business document: no format needs it, and PostgreSQL refuses it in text, so a name or field
 * holding one failed only when its record was stored (a 500, with the database's words). Found here, before any
 * translator reads the document, as a located SCHEMA_INVALID error; in UTF-8 the character is only ever the byte
 * 0x00 (the strict decoder refuses overlong forms), and an escaped one ({@code \u0000} in JSON) is refused where
 * JSON fields are read ({@link JsonFields}). XML refuses both forms itself.
 */
final class NulCharacters {
    /** Enough to locate the defect; a document full of them is reported by its first few. */
    private static final int MAX_REPORTED = 10;

    static final String MESSAGE = "holds a NUL character (U+0000), which no field may hold";

    private NulCharacters() {}

    static List<LocatedError> in(ReceivedBody document) {
        return document.read((array, offset, length) -> in(array, offset, offset + length));
    }

    private static List<LocatedError> in(byte[] document, int from, int end) {
        List<LocatedError> errors = new ArrayList<>();
        int line = 1;
        int lineStart = from;
        for (int i = from; i < end && errors.size() < MAX_REPORTED; i++) {
            byte b = document[i];
            if (b == '\n') {
                line++;
                lineStart = i + 1;
            } else if (b == 0) {
                errors.add(new LocatedError(
                        "line " + line + ", column " + (i - lineStart + 1) + " (byte " + (i - from) + ")",
                        "the document " + MESSAGE));
            }
        }
        return errors;
    }
}
