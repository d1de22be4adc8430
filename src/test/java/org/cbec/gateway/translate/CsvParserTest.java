package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.translate.CsvParser.CsvRecord;
import org.junit.jupiter.api.Test;

/** The RFC 4180 reader on its own: quoting, line breaks, line numbers, and errors reported per record. */
class CsvParserTest {

    private static List<CsvRecord> all(String text) {
        CsvParser parser = CsvParser.from(text, 0, 1);
        List<CsvRecord> records = new ArrayList<>();
        for (CsvRecord record = parser.next(); record != null; record = parser.next()) {
            records.add(record);
        }
        return records;
    }

    @Test
    void reads_plain_fields_with_crlf_lf_and_lone_cr_line_ends() {
        List<CsvRecord> records = all("a,b\r\nc,d\ne,f\rg,h");

        assertEquals(
                List.of(List.of("a", "b"), List.of("c", "d"), List.of("e", "f"), List.of("g", "h")),
                records.stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(1, 2, 3, 4), records.stream().map(CsvRecord::line).toList());
        assertTrue(records.stream().noneMatch(CsvRecord::malformed));
    }

    @Test
    void quoted_fields_hold_commas_doubled_quotes_and_line_breaks() {
        List<CsvRecord> records = all("\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\nnext,row\n");

        assertEquals(
                List.of("x, y", "say \"hi\"", "two\r\nlines"), records.get(0).fields());
        assertEquals(1, records.get(0).line());
        assertEquals(3, records.get(1).line(), "the record after a quoted line break starts on line 3");
    }

    @Test
    void a_trailing_comma_gives_one_more_empty_field_and_empty_fields_stay() {
        assertEquals(List.of("a", "", "b", ""), all("a,,b,\nz").get(0).fields());
        assertEquals(List.of("a", ""), all("a,").get(0).fields());
    }

    @Test
    void blank_lines_carry_no_record_but_count_as_lines() {
        List<CsvRecord> records = all("\n\r\na\n\n\nb\n");

        assertEquals(2, records.size());
        assertEquals(3, records.get(0).line());
        assertEquals(6, records.get(1).line());
    }

    @Test
    void empty_text_has_no_record() {
        assertNull(CsvParser.from("", 0, 1).next());
        assertNull(CsvParser.from("\r\n\n", 0, 1).next());
    }

    @Test
    void a_quote_inside_an_unquoted_field_is_reported_and_the_next_row_still_read() {
        List<CsvRecord> records = all("ok,ab\"c,more\nnext,row");

        CsvRecord bad = records.get(0);
        assertTrue(bad.malformed());
        assertEquals(1, bad.errorField());
        assertTrue(bad.error().startsWith("quote inside an unquoted field"), bad.error());
        assertEquals(List.of("next", "row"), records.get(1).fields());
        assertEquals(2, records.get(1).line());
    }

    @Test
    void text_after_a_closing_quote_is_reported_at_that_field() {
        CsvRecord bad = all("a,\"b\"c\nd").get(0);

        assertEquals(1, bad.errorField());
        assertEquals("unexpected character after the closing quote", bad.error());
    }

    @Test
    void an_unclosed_quote_is_reported_at_the_end_of_the_document() {
        List<CsvRecord> records = all("a,b\n\"open,\nstill open");

        assertFalse(records.get(0).malformed());
        CsvRecord bad = records.get(1);
        assertEquals(2, bad.line());
        assertEquals(0, bad.errorField());
        assertEquals("quoted field is not closed before the end of the document", bad.error());
        assertEquals(2, records.size());
    }

    @Test
    void restarted_at_a_saved_position_it_reads_the_same_records_again() {
        String text = "h1,h2\n\nr1,\"x\ny\"\nr2,z\n";
        CsvParser parser = CsvParser.from(text, 0, 1);
        parser.next();
        int position = parser.position();
        int line = parser.line();
        CsvRecord first = parser.next();
        CsvRecord second = parser.next();

        CsvParser again = CsvParser.from(text, position, line);
        assertEquals(first, again.next());
        assertEquals(second, again.next());
        assertNull(again.next());
        assertEquals(5, second.line(), "r1 spans lines 3 and 4");
    }
}
