package org.cbec.gateway.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * The canonical records of one message as the JSON array the evidence archive keeps, in the
 * {@link CanonicalJson#mapper() canonical mapper}'s form.
 *
 * <p>A small document is serialised here, once, before it reaches the database transaction (which other
 * messages share). A large one is never held as one string: {@link #reader()} serialises it record by
 * record as the database reads it, so a 10 MB AEO list does not also sit in memory as 40 MB of JSON. Both
 * give the same characters.
 */
public final class RecordsDocument {
    /** From this many records on, a document is streamed rather than serialised whole. */
    public static final int STREAMED_FROM_RECORDS = 1_000;

    private final List<? extends CanonicalRecord> records;
    private final String text;

    private RecordsDocument(List<? extends CanonicalRecord> records, String text) {
        this.records = records;
        this.text = text;
    }

    /**
     * The document of {@code records}, which must not change afterwards. The list is not copied: a large
     * document's records may be made on demand, and a copy would hold them all.
     */
    public static RecordsDocument of(List<? extends CanonicalRecord> records) {
        return new RecordsDocument(records, records.size() < STREAMED_FROM_RECORDS ? serialise(records) : null);
    }

    /** A small document already serialised (read back from the accept log), of {@code size} records. */
    public static RecordsDocument ofText(String text, int size) {
        Objects.requireNonNull(text, "text");
        return new RecordsDocument(java.util.Collections.nCopies(size, null), text);
    }

    public int size() {
        return records.size();
    }

    /** Whether the document is large enough to be written as a stream where the database allows it. */
    public boolean streamed() {
        return text == null;
    }

    /** The whole document as one string (a large one is serialised now). */
    public String text() {
        return text != null ? text : serialise(records);
    }

    /** The document's characters, serialised one record at a time as they are read. */
    public Reader reader() {
        return text != null ? new java.io.StringReader(text) : new RecordByRecord(records);
    }

    private static String serialise(Object value) {
        try {
            return CanonicalJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialise canonical records", e);
        }
    }

    /** "[", then each record's JSON with a comma before all but the first, then "]". */
    private static final class RecordByRecord extends Reader {
        private final List<? extends CanonicalRecord> records;
        private int next;
        private String chunk = "[";
        private int position;
        private boolean ended;

        RecordByRecord(List<? extends CanonicalRecord> records) {
            this.records = records;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            int read = 0;
            while (read < length) {
                if (position == chunk.length() && !nextChunk()) {
                    break;
                }
                int n = Math.min(length - read, chunk.length() - position);
                chunk.getChars(position, position + n, buffer, offset + read);
                position += n;
                read += n;
            }
            return read == 0 ? -1 : read;
        }

        private boolean nextChunk() {
            if (ended) {
                return false;
            }
            if (next == records.size()) {
                chunk = "]";
                ended = true;
            } else {
                String json = serialise(records.get(next));
                chunk = next == 0 ? json : "," + json;
                next++;
            }
            position = 0;
            return true;
        }

        @Override
        public void close() {
            ended = true;
            position = chunk.length();
        }
    }
}
