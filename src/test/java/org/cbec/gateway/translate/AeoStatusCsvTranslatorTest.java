package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.canonical.AeoStatus;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.junit.jupiter.api.Test;

/** {@code aeo-status-csv}: the rules of FORMATS.md, each bad fixture with its exact located errors. */
class AeoStatusCsvTranslatorTest {

    private static final String AEO_ID_RULE =
            "must be 4 to 35 characters A-Z or 0-9 starting with an ISO 3166-1 alpha-2 country code";
    private static final String STATUS_RULE = "must be one of ACTIVE, SUSPENDED, REVOKED, WITHDRAWN";
    private static final String DATE_RULE = "must be an ISO 8601 date such as 2019-05-01";
    private static final String ROW = "CN1234567890,Shenzhen Bright Export Co. Ltd,88 Keji Road,Shenzhen,518057,CN,"
            + "AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,";

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/invalid/" + fixture);
    }

    private static Translation translateText(String text) {
        return new AeoStatusCsvTranslator().translate(text.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT);
    }

    @Test
    void reports_every_bad_row_with_its_column() {
        assertEquals(
                List.of(
                        error("row 3, column aeo_id", AEO_ID_RULE),
                        error("row 3, column country", "must be an ISO 3166-1 alpha-2 country code"),
                        error("row 4, column operator_name", "is required"),
                        error("row 4, column valid_from", DATE_RULE),
                        error("row 4, column valid_until", DATE_RULE),
                        error("row 4, column status_changed_at", "is required"),
                        error("row 5, column aeo_id", AEO_ID_RULE),
                        error("row 5, column status", STATUS_RULE),
                        error(
                                "row 5, column status_changed_at",
                                "must be an ISO 8601 instant such as 2019-05-01T00:00:00Z")),
                errors(translate("several-bad-rows.csv")));
    }

    @Test
    void rejects_a_status_that_is_not_in_the_list() {
        assertEquals(List.of(error("row 3, column status", STATUS_RULE)), errors(translate("status-not-in-list.csv")));
    }

    @Test
    void rejects_a_quoted_field_that_is_never_closed_at_the_row_where_it_opens() {
        assertEquals(
                List.of(error(
                        "row 3, column operator_name", "quoted field is not closed before the end of the document")),
                errors(translate("unbalanced-quote.csv")));
    }

    @Test
    void rejects_quotes_inside_a_field_and_goes_on_checking_later_rows() {
        assertEquals(
                List.of(
                        error(
                                "row 2, column operator_name",
                                "quote inside an unquoted field (a field with quotes must be quoted as a whole)"),
                        error("row 3, column operator_name", "unexpected character after the closing quote"),
                        error("row 4, column status", STATUS_RULE)),
                errors(translate("quote-inside-unquoted-field.csv")));
    }

    @Test
    void rejects_a_row_with_an_extra_column() {
        assertEquals(List.of(error("row 3", "has 13 columns, expected 12")), errors(translate("extra-column.csv")));
    }

    @Test
    void rejects_a_row_with_a_missing_column() {
        assertEquals(List.of(error("row 2", "has 11 columns, expected 12")), errors(translate("missing-column.csv")));
    }

    @Test
    void rejects_invalid_utf8_at_the_byte_offset_of_each_bad_sequence() {
        assertEquals(
                List.of(
                        error("byte 260", "invalid UTF-8 byte sequence on line 3"),
                        error("byte 372", "invalid UTF-8 byte sequence on line 4")),
                errors(translate("invalid-utf8.csv")));
    }

    @Test
    void rejects_a_header_that_is_not_exactly_the_one_of_the_format() {
        assertEquals(
                List.of(error("row 1", "the header line must be exactly: " + AeoStatusCsvTranslator.HEADER)),
                errors(translate("header-misspelled.csv")));
    }

    @Test
    void rejects_a_list_with_a_header_and_no_rows() {
        assertEquals(List.of(error("document", "no operator rows")), errors(translate("no-operator-rows.csv")));
    }

    @Test
    void rejects_the_same_statement_twice_even_with_the_instant_written_differently() {
        assertEquals(
                List.of(error(
                        "row 4, column aeo_id", "repeats the statement of row 2 (same aeo_id and status_changed_at)")),
                errors(translate("duplicate-statement.csv")));
    }

    @Test
    void rejects_an_empty_document() {
        assertEquals(
                List.of(error("row 1", "the header line must be exactly: " + AeoStatusCsvTranslator.HEADER)),
                errors(translateText("")));
    }

    @Test
    void numbers_rows_by_the_line_they_start_on_when_a_quoted_cell_spans_lines() {
        String text = AeoStatusCsvTranslator.HEADER + "\n"
                + "CN1234567890,\"Shenzhen\nBright\",88 Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,"
                + "2019-05-01T00:00:00Z,\n"
                + "CN2234567890,Ningbo,1 Port Ave,Ningbo,315000,CN,AEO,PAUSED,2018-03-12,,2026-11-20T09:30:00Z,\n";
        assertEquals(List.of(error("row 4, column status", STATUS_RULE)), errors(translateText(text)));
    }

    @Test
    void skips_blank_lines_and_keeps_physical_line_numbers() {
        String text = AeoStatusCsvTranslator.HEADER + "\r\n\r\n" + ROW + "\r\n\r\n"
                + ROW.replace("CN1234567890", "CN9").replace("2019-05-01T00", "2019-05-02T00") + "\r\n";
        assertEquals(List.of(error("row 5, column aeo_id", AEO_ID_RULE)), errors(translateText(text)));
    }

    @Test
    void accepts_old_mac_line_endings() {
        String text = AeoStatusCsvTranslator.HEADER + "\r" + ROW + "\r" + ROW.replace("ACTIVE", "WAITING") + "\r";
        assertEquals(List.of(error("row 3, column status", STATUS_RULE)), errors(translateText(text)));
    }

    @Test
    void keeps_formula_like_cells_as_plain_text() {
        AeoStatusRecord record = (AeoStatusRecord) records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/formula-like-cells.csv"))
                .get(0);
        assertEquals("=HYPERLINK(\"http://example.invalid\",\"click\")", record.operatorName());
        assertEquals("+49 30 1234567", record.address().line());
        assertEquals("-Shenzhen", record.address().city());
        assertEquals("@518057", record.address().postcode());
        assertEquals("=1+2", record.statusReason());
    }

    @Test
    void skips_a_leading_byte_order_mark() {
        List<CanonicalRecord> withBom =
                records(Fixtures.translate(DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/bom-prefixed.csv"));
        List<CanonicalRecord> withoutBom = records(translateText(AeoStatusCsvTranslator.HEADER + "\n" + ROW));
        assertEquals(withoutBom, withBom);
    }

    @Test
    void keeps_non_ascii_text_and_quoted_line_breaks_exactly() {
        List<CanonicalRecord> records = records(
                Fixtures.translate(DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/non-ascii-and-quoting.csv"));
        AeoStatusRecord chinese = (AeoStatusRecord) records.get(0);
        AeoStatusRecord german = (AeoStatusRecord) records.get(1);
        AeoStatusRecord multiLine = (AeoStatusRecord) records.get(2);
        assertEquals("深圳光明出口有限公司", chinese.operatorName());
        assertEquals("Müller & Söhne Außenhandel GmbH", german.operatorName());
        assertEquals("Verstoß gegen Auflagen; \"Prüfung\" abgeschlossen", german.statusReason());
        assertEquals("withdrawn at the operator's request,\r\neffective end of year", multiLine.statusReason());
    }

    @Test
    void turns_empty_optional_cells_into_null_and_normalises_the_instant_to_utc() {
        AeoStatusRecord record = (AeoStatusRecord) records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_CSV, "aeo-status-csv/valid/offset-instant-normalised.csv"))
                .get(0);
        assertEquals(null, record.validUntil());
        assertEquals(Instant.parse("2026-11-28T00:00:00Z"), record.statusChangedAt());
        assertEquals("CN-GACC:CN2234567890:2026-11-28T00:00:00Z", record.recordId());
        assertEquals(AeoStatus.ACTIVE, record.status());
    }

    @Test
    void accepts_a_trailing_comma_as_an_empty_last_cell_and_no_final_line_break() {
        List<CanonicalRecord> records = records(translateText(AeoStatusCsvTranslator.HEADER + "\n" + ROW));
        assertEquals(1, records.size());
        assertEquals(null, ((AeoStatusRecord) records.get(0)).statusReason());
    }
    /**
     * A list of {@link org.cbec.gateway.canonical.RecordsDocument#STREAMED_FROM_RECORDS} rows or more keeps only
     * where its rows start and makes each record again when it is read; quoted line breaks, blank lines and
     * mixed line endings must not move a row.
     */
    @Test
    void a_large_list_makes_the_same_records_on_demand_as_its_rows_do_in_small_lists() {
        List<String> rows = new ArrayList<>();
        for (int row = 0; row < org.cbec.gateway.canonical.RecordsDocument.STREAMED_FROM_RECORDS + 300; row++) {
            String name = row % 97 == 0 ? "\"Operator, with a quoted\r\nline break " + row + "\"" : "Operator " + row;
            rows.add(String.format(
                    "CN%010d,%s,%d Keji Road,Shenzhen,518057,CN,AEO,ACTIVE,2019-05-01,,2019-05-01T00:00:00Z,",
                    row, name, row));
        }
        StringBuilder large = new StringBuilder(AeoStatusCsvTranslator.HEADER).append("\n");
        for (int row = 0; row < rows.size(); row++) {
            large.append(rows.get(row)).append(row % 2 == 0 ? "\r\n" : "\n").append(row % 250 == 0 ? "\n" : "");
        }
        List<CanonicalRecord> expected = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += 500) {
            expected.addAll(records(translateText(AeoStatusCsvTranslator.HEADER + "\n"
                    + String.join("\n", rows.subList(from, Math.min(from + 500, rows.size()))) + "\n")));
        }

        List<CanonicalRecord> onDemand = records(translateText(large.toString()));

        assertInstanceOf(OnDemandRecords.class, onDemand);
        assertEquals(expected, onDemand);
        // Made again each time it is read, not kept: equal, never the same object.
        assertNotSame(onDemand.get(97), onDemand.get(97));
        assertEquals("Operator, with a quoted\r\nline break 97", ((AeoStatusRecord) onDemand.get(97)).operatorName());
    }

    @Test
    void a_large_list_with_bad_rows_reports_each_at_its_line() {
        StringBuilder large = new StringBuilder(AeoStatusCsvTranslator.HEADER).append("\n");
        for (int row = 0; row < org.cbec.gateway.canonical.RecordsDocument.STREAMED_FROM_RECORDS + 300; row++) {
            String status = row == 1_250 ? "ACTIVATED" : "ACTIVE";
            large.append(String.format(
                    "CN%010d,Operator %d,1 Road,Shenzhen,518057,CN,AEO,%s,2019-05-01,,2019-05-01T00:00:00Z,%n",
                    row, row, status));
        }
        large.append(ROW).append("\n").append(ROW).append("\n");

        assertEquals(
                List.of(
                        error("row 1252, column status", STATUS_RULE),
                        error(
                                "row 1303, column aeo_id",
                                "repeats the statement of row 1302 (same aeo_id and status_changed_at)")),
                errors(translateText(large.toString())));
    }
}
