package org.cbec.gateway.translate;

import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: comma-separated fields, optionally in double quotes with {@code ""} for a
 * quote, commas and line breaks inside quotes, records ended by CRLF, LF or a lone CR. It knows the line
 * each record starts on and reports syntax errors per record instead of giving up, so that a translator
 * can list every bad row. Blank lines are skipped.
 */
final class CsvParser {

    /**
     * One record: the line it starts on (1-based), its fields, and, when it is malformed, the 0-based
     * index of the field at fault with the reason (then the fields are not to be trusted).
     */
    record CsvRecord(int line, List<String> fields, int errorField, String error) {
        boolean malformed() {
            return error != null;
        }
    }

    private final CharSequence text;
    private int position;
    private int line;

    private CsvParser(CharSequence text, int position, int line) {
        this.text = text;
        this.position = position;
        this.line = line;
    }

    /**
     * A reader of one record at a time from {@code position}, the start of line {@code line}. Started again
     * at a {@link #position()} and {@link #line()} it had, it reads the same records again.
     */
    static CsvParser from(CharSequence text, int position, int line) {
        return new CsvParser(text, position, line);
    }

    /** The next record, or null at the end of the text. */
    CsvRecord next() {
        while (position < text.length()) {
            if (atLineBreak()) {
                skipLineBreak(); // a blank line carries no record
                continue;
            }
            return record();
        }
        return null;
    }

    /** Where the next record, or the blank lines before it, starts. */
    int position() {
        return position;
    }

    /** The line {@link #position()} is on. */
    int line() {
        return line;
    }

    private CsvRecord record() {
        int recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            field.setLength(0);
            int index = fields.size();
            String error = text.charAt(position) == '"' ? quoted(field) : unquoted(field);
            if (error != null) {
                skipRestOfRecord();
                return new CsvRecord(recordLine, fields, index, error);
            }
            fields.add(field.toString());
            if (position >= text.length()) {
                return new CsvRecord(recordLine, fields, -1, null);
            }
            char c = text.charAt(position);
            if (c == ',') {
                position++;
                if (position >= text.length() || atLineBreak()) {
                    fields.add(""); // a trailing comma ends with one more, empty, field
                    skipLineBreakIfAny();
                    return new CsvRecord(recordLine, fields, -1, null);
                }
            } else {
                skipLineBreak();
                return new CsvRecord(recordLine, fields, -1, null);
            }
        }
    }

    /** Reads a quoted field starting at the opening quote; returns an error, or null when well formed. */
    private String quoted(StringBuilder field) {
        position++; // opening quote
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == '"') {
                if (position + 1 < text.length() && text.charAt(position + 1) == '"') {
                    field.append('"');
                    position += 2;
                    continue;
                }
                position++; // closing quote
                if (position < text.length() && text.charAt(position) != ',' && !atLineBreak()) {
                    return "unexpected character after the closing quote";
                }
                return null;
            }
            if (c == '\n' || (c == '\r' && !followedByLineFeed())) {
                line++;
            }
            field.append(c);
            position++;
        }
        return "quoted field is not closed before the end of the document";
    }

    /** Reads an unquoted field up to a comma, a line break or the end; returns an error, or null. */
    private String unquoted(StringBuilder field) {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c == ',' || c == '\n' || c == '\r') {
                return null;
            }
            if (c == '"') {
                return "quote inside an unquoted field (a field with quotes must be quoted as a whole)";
            }
            field.append(c);
            position++;
        }
        return null;
    }

    /** After a malformed field: continue with the next line, so that later rows are still checked. */
    private void skipRestOfRecord() {
        while (position < text.length() && !atLineBreak()) {
            position++;
        }
        skipLineBreakIfAny();
    }

    private boolean atLineBreak() {
        char c = text.charAt(position);
        return c == '\n' || c == '\r';
    }

    private boolean followedByLineFeed() {
        return position + 1 < text.length() && text.charAt(position + 1) == '\n';
    }

    private void skipLineBreakIfAny() {
        if (position < text.length() && atLineBreak()) {
            skipLineBreak();
        }
    }

    private void skipLineBreak() {
        position += text.charAt(position) == '\r' && followedByLineFeed() ? 2 : 1;
        line++;
    }
}
