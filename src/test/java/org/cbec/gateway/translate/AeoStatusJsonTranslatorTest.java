package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.junit.jupiter.api.Test;

/** {@code aeo-status-json}: the rules of FORMATS.md, errors located by JSON pointer. */
class AeoStatusJsonTranslatorTest {

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.AEO_STATUS_JSON, "aeo-status-json/invalid/" + fixture);
    }

    private static Translation translateText(String json) {
        return new AeoStatusJsonTranslator().translate(json.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT);
    }

    @Test
    void reports_every_bad_operator_field_by_json_pointer() {
        assertEquals(
                List.of(
                        error(
                                "/operators/1/aeoId",
                                "must be 4 to 35 characters A-Z or 0-9 starting with an ISO 3166-1 alpha-2 country code"),
                        error("/operators/1/address/postcode", "must be a string"),
                        error("/operators/1/address/country", "must be an ISO 3166-1 alpha-2 country code"),
                        error("/operators/2/name", "is required"),
                        error("/operators/2/status", "must be one of ACTIVE, SUSPENDED, REVOKED, WITHDRAWN"),
                        error("/operators/2/validFrom", "must be an ISO 8601 date such as 2019-05-01"),
                        error(
                                "/operators/2/statusChangedAt",
                                "must be an ISO 8601 instant such as 2019-05-01T00:00:00Z"),
                        error("/operators/3", "must be a JSON object")),
                errors(translate("several-bad-operators.json")));
    }

    @Test
    void rejects_a_list_without_list_type() {
        assertEquals(List.of(error("/listType", "is required")), errors(translate("list-type-missing.json")));
    }

    @Test
    void rejects_a_list_without_operators() {
        assertEquals(
                List.of(error("/operators", "must hold at least one operator")),
                errors(translate("no-operators.json")));
    }

    @Test
    void rejects_a_duplicate_key_instead_of_keeping_the_last_value() {
        assertEquals(
                List.of(error("line 4, column 48", "invalid JSON: Duplicate field 'status'")),
                errors(translate("duplicate-key.json")));
    }

    @Test
    void rejects_content_after_the_json_value() {
        assertEquals(
                List.of(error("line 6, column 1", "unexpected content after the end of the JSON value")),
                errors(translate("trailing-content.json")));
    }

    @Test
    void rejects_invalid_utf8_as_an_error_not_an_exception() {
        assertEquals(
                List.of(error("byte 153", "invalid UTF-8 byte sequence on line 2")),
                errors(translate("invalid-utf8.json")));
    }

    @Test
    void rejects_another_document_type_without_reading_its_fields() {
        assertEquals(
                List.of(error("/documentType", "must be AEO_STATUS_LIST")),
                errors(translate("wrong-document-type.json")));
    }

    @Test
    void rejects_the_same_statement_twice_even_with_the_instant_written_differently() {
        assertEquals(
                List.of(error(
                        "/operators/1/aeoId",
                        "repeats the statement of /operators/0 (same aeoId and statusChangedAt)")),
                errors(translate("duplicate-statement.json")));
    }

    @Test
    void rejects_a_document_that_is_not_an_object() {
        assertEquals(List.of(error("document", "must be a JSON object")), errors(translateText("[1,2]")));
        assertEquals(List.of(error("document", "is empty")), errors(translateText("  ")));
    }

    @Test
    void rejects_a_utf16_document_that_jackson_would_otherwise_guess() {
        byte[] utf16 = "{\"documentType\":\"AEO_STATUS_LIST\"}".getBytes(StandardCharsets.UTF_16LE);
        assertEquals(
                List.of(error("byte 1", "NUL byte: a JSON document must be UTF-8 text")),
                errors(new AeoStatusJsonTranslator().translate(utf16, Fixtures.CONTEXT)));
    }

    @Test
    void reads_empty_and_absent_optional_fields_as_null() {
        AeoStatusRecord record = (AeoStatusRecord) records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_JSON, "aeo-status-json/valid/full-list-non-ascii.json"))
                .get(1);
        assertNull(record.programme());
        assertNull(record.validUntil());
        assertNull(record.statusReason());
        assertEquals("深圳光明出口有限公司 Europa GmbH", record.operatorName());
    }

    @Test
    void tells_the_list_type_of_a_translated_list() {
        assertEquals(
                Optional.of(AeoStatusList.ListType.FULL),
                AeoStatusList.listType(
                        DocumentFormat.AEO_STATUS_JSON,
                        Fixtures.bytes("aeo-status-json/valid/full-list-non-ascii.json")));
        assertEquals(
                Optional.of(AeoStatusList.ListType.DELTA),
                AeoStatusList.listType(
                        DocumentFormat.AEO_STATUS_JSON, Fixtures.bytes("aeo-status-json/valid/bom-prefixed.json")));
        assertEquals(
                Optional.of(AeoStatusList.ListType.DELTA),
                AeoStatusList.listType(
                        DocumentFormat.AEO_STATUS_CSV, Fixtures.bytes("aeo-status-csv/valid/formats-sample.csv")));
        assertEquals(
                Optional.empty(),
                AeoStatusList.listType(
                        DocumentFormat.AEO_STATUS_JSON,
                        Fixtures.bytes("aeo-status-json/invalid/list-type-missing.json")));
        assertEquals(
                Optional.empty(),
                AeoStatusList.listType(
                        DocumentFormat.ECOM_SHIPMENT_JSON,
                        Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json")));
    }
}
