package org.cbec.gateway.translate;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.cbec.gateway.canonical.Address;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.RecordSource;
import org.cbec.gateway.canonical.RecordsDocument;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * {@code aeo-status-csv}: an RFC 4180, UTF-8 AEO status list whose first line is exactly {@link #HEADER}.
 * Every row is a status statement; errors are located as {@code row N, column NAME}, N being the line the
 * row starts on (the header is row 1), and every bad row and column is reported. A CSV list is a DELTA list.
 * Cells are taken as text, so a cell that looks like a spreadsheet formula ({@code =}, {@code +}, {@code -},
 * {@code @}) is kept exactly as sent. A document that is not valid UTF-8 is reported by the byte offset of
 * each bad sequence only: its rows cannot be read reliably.
 */
public final class AeoStatusCsvTranslator implements Translator {

    /** The header line, exactly as FORMATS.md gives it. */
    public static final String HEADER = "aeo_id,operator_name,address_line,city,postcode,country,programme,"
            + "status,valid_from,valid_until,status_changed_at,status_reason";

    private static final List<String> COLUMNS = List.of(HEADER.split(","));
    private static final int AEO_ID = 0;
    private static final int OPERATOR_NAME = 1;
    private static final int ADDRESS_LINE = 2;
    private static final int CITY = 3;
    private static final int POSTCODE = 4;
    private static final int COUNTRY = 5;
    private static final int PROGRAMME = 6;
    private static final int STATUS = 7;
    private static final int VALID_FROM = 8;
    private static final int VALID_UNTIL = 9;
    private static final int STATUS_CHANGED_AT = 10;
    private static final int STATUS_REASON = 11;

    @Override
    public DocumentFormat format() {
        return DocumentFormat.AEO_STATUS_CSV;
    }

    @Override
    public Translation translate(byte[] document, TranslationContext context) {
        return translate(ReceivedBody.of(document), context);
    }

    /** Reads the document where it lies: an ASCII list is parsed from its bytes, never copied whole. */
    @Override
    public Translation translate(ReceivedBody document, TranslationContext context) {
        return document.read((array, offset, length) -> translate(array, offset, offset + length, context));
    }

    private Translation translate(byte[] document, int from, int end, TranslationContext context) {
        int start = from + Utf8.bomLength(document, from, end);
        List<LocatedError> encoding = Utf8.malformedSequences(document, from, start, end);
        if (!encoding.isEmpty()) {
            return new Translation.Invalid(format(), encoding);
        }
        CharSequence text = AsciiText.of(document, start, end);
        List<LocatedError> errors = new ArrayList<>();
        CsvParser rows = rowsAfterHeader(text, errors);
        if (rows == null) {
            return new Translation.Invalid(format(), errors);
        }
        RecordSource source = context.source(format());
        // Below RecordsDocument.STREAMED_FROM_RECORDS the records are kept as made. A larger list keeps only
        // where each row starts: its records are made again from the text whenever they are read.
        List<CanonicalRecord> records = new ArrayList<>();
        IntStream.Builder starts = IntStream.builder(); // where each valid row starts in the text
        Map<String, Integer> statementRows = new HashMap<>();
        int rowCount = 0;
        for (int position = rows.position(); ; position = rows.position()) {
            CsvParser.CsvRecord row = rows.next();
            if (row == null) {
                break;
            }
            rowCount++;
            if (row.malformed()) {
                errors.add(new LocatedError(location(row.line(), row.errorField()), row.error()));
            } else if (row.fields().size() != COLUMNS.size()) {
                errors.add(new LocatedError(
                        "row " + row.line(), "has " + row.fields().size() + " columns, expected " + COLUMNS.size()));
            } else {
                Optional<AeoStatusRecord> record = new Row(row, errors, context).toRecord(source);
                if (record.isPresent()) {
                    Integer earlier = statementRows.putIfAbsent(statementKey(record.get()), row.line());
                    if (earlier != null) {
                        errors.add(new LocatedError(
                                location(row.line(), AEO_ID),
                                "repeats the statement of row " + earlier + " (same aeo_id and status_changed_at)"));
                    }
                    starts.add(position);
                    if (records != null) {
                        records.add(record.get());
                        records = records.size() < RecordsDocument.STREAMED_FROM_RECORDS ? records : null;
                    }
                }
            }
        }
        if (rowCount == 0) {
            return new Translation.Invalid(format(), List.of(new LocatedError("document", "no operator rows")));
        }
        if (!errors.isEmpty()) {
            return new Translation.Invalid(format(), errors);
        }
        return new Translation.Records(
                format(),
                records != null ? records : onDemand(text, starts.build().toArray(), source, context));
    }

    private static OnDemandRecords onDemand(
            CharSequence text, int[] rowStarts, RecordSource source, TranslationContext context) {
        return new OnDemandRecords(rowStarts.length, index -> recordAt(text, rowStarts[index], source, context));
    }

    /**
     * The record of the valid row that starts at {@code position}, made again. Its line is not kept: a row found
     * valid is valid again, and line numbers only ever locate errors.
     */
    private static AeoStatusRecord recordAt(
            CharSequence text, int position, RecordSource source, TranslationContext context) {
        List<LocatedError> errors = new ArrayList<>();
        return new Row(CsvParser.from(text, position, 0).next(), errors, context)
                .toRecord(source)
                .orElseThrow(() -> new IllegalStateException(
                        "the row at character " + position + " was valid and is not now: " + errors));
    }

    /** Checks the header line (after any blank lines); returns a reader of the rows after it, or null. */
    private static CsvParser rowsAfterHeader(CharSequence text, List<LocatedError> errors) {
        int position = 0;
        int line = 1;
        while (position < text.length() && isLineBreak(text.charAt(position))) {
            position += crlfAt(text, position) ? 2 : 1;
            line++;
        }
        int end = position;
        while (end < text.length() && !isLineBreak(text.charAt(end))) {
            end++;
        }
        if (end - position != HEADER.length() || !HEADER.contentEquals(text.subSequence(position, end))) {
            errors.add(new LocatedError("row " + line, "the header line must be exactly: " + HEADER));
            return null;
        }
        if (end < text.length()) {
            end += crlfAt(text, end) ? 2 : 1;
        }
        return CsvParser.from(text, end, line + 1);
    }

    private static boolean crlfAt(CharSequence text, int position) {
        return text.charAt(position) == '\r' && position + 1 < text.length() && text.charAt(position + 1) == '\n';
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r';
    }

    private static String location(int line, int column) {
        String name = column < COLUMNS.size() ? COLUMNS.get(column) : String.valueOf(column + 1);
        return "row " + line + ", column " + name;
    }

    private static String statementKey(AeoStatusRecord record) {
        return record.aeoId() + " " + record.statusChangedAt();
    }

    /** One well-formed row being checked; adds an error per bad cell. */
    private static final class Row {
        private final CsvParser.CsvRecord row;
        private final List<LocatedError> errors;
        private final TranslationContext context;
        private boolean valid = true;

        Row(CsvParser.CsvRecord row, List<LocatedError> errors, TranslationContext context) {
            this.row = row;
            this.errors = errors;
            this.context = context;
        }

        Optional<AeoStatusRecord> toRecord(RecordSource source) {
            String aeoId = required(
                    AEO_ID,
                    text -> context.isOwnAeoId(text) ? Optional.of(text) : Optional.empty(),
                    context.aeoIdRule());
            String operatorName = required(OPERATOR_NAME, Optional::of, Rules.REQUIRED);
            String country = required(
                    COUNTRY, text -> Rules.isCountry(text) ? Optional.of(text) : Optional.empty(), Rules.COUNTRY);
            AeoStatus status = required(STATUS, Rules::status, Rules.STATUS);
            LocalDate validFrom = required(VALID_FROM, Rules::date, Rules.DATE);
            LocalDate validUntil = optional(VALID_UNTIL, Rules::date, Rules.DATE);
            Instant statusChangedAt = required(STATUS_CHANGED_AT, Rules::instant, Rules.INSTANT);
            if (!valid) {
                return Optional.empty();
            }
            Address address = new Address(cell(ADDRESS_LINE), cell(CITY), cell(POSTCODE), country);
            return Optional.of(AeoStatusRecord.create(
                    source,
                    aeoId,
                    operatorName,
                    address,
                    cell(PROGRAMME),
                    status,
                    validFrom,
                    validUntil,
                    statusChangedAt,
                    cell(STATUS_REASON)));
        }

        /** The cell's text, or null when it is empty: CSV has no other way to say "none". */
        private String cell(int column) {
            String text = row.fields().get(column);
            return text.isEmpty() ? null : text;
        }

        private <T> T required(int column, Function<String, Optional<T>> parse, String rule) {
            if (cell(column) == null) {
                fail(column, Rules.REQUIRED);
                return null;
            }
            return optional(column, parse, rule);
        }

        private <T> T optional(int column, Function<String, Optional<T>> parse, String rule) {
            String text = cell(column);
            return text == null ? null : Rules.parsedOrRefused(text, parse, () -> fail(column, rule));
        }

        private void fail(int column, String message) {
            valid = false;
            errors.add(new LocatedError(location(row.line(), column), message));
        }
    }
}
