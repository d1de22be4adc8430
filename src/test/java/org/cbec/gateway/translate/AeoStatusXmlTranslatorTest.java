package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code aeo-status-xml}: schema validation with every error located by path and line, the rules of
 * FORMATS.md shared with CSV and JSON, a hardened parser, and golden files: every
 * {@code translate/aeo-status-xml/valid/<name>.xml} translates to exactly {@code <name>.expected.json}.
 * Its golden files run in {@link GoldenFileTest}.
 */
class AeoStatusXmlTranslatorTest {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();

    private static final String STATUS_CODE = "/AEOStatusList/AuthorisedEconomicOperator[%d]/StatusCode, line %d";

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.AEO_STATUS_XML, "aeo-status-xml/invalid/" + fixture);
    }

    private static Translation translateText(String xml) {
        return new AeoStatusXmlTranslator().translate(xml.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT);
    }

    @Test
    void gives_the_same_record_id_and_version_as_csv_and_json_for_the_same_statement() {
        String csv = AeoStatusCsvTranslator.HEADER + "\n"
                + "CN2234567890,\"Ningbo Harbour Trading, Ltd\",1 Port Ave,Ningbo,315000,CN,AEO,SUSPENDED,2018-03-12,"
                + "2027-03-11,2026-11-20T09:30:00Z,audit pending\n";
        String json = """
                {"documentType":"AEO_STATUS_LIST","administration":"CN","listType":"DELTA",
                 "operators":[{"aeoId":"CN2234567890","name":"Ningbo Harbour Trading, Ltd",
                   "address":{"line":"1 Port Ave","city":"Ningbo","postcode":"315000","country":"CN"},
                   "programme":"AEO","status":"SUSPENDED","validFrom":"2018-03-12","validUntil":"2027-03-11",
                   "statusChangedAt":"2026-11-20T17:30:00+08:00","statusReason":"audit pending"}]}
                """;
        String xml = """
                <AEOStatusList xmlns="urn:cbec:aeo-status:1">
                  <MetaData><ResponsibleCountryCode>CN</ResponsibleCountryCode>
                    <IssueDateTime>2026-11-28T06:00:00Z</IssueDateTime><ListTypeCode>DELTA</ListTypeCode></MetaData>
                  <AuthorisedEconomicOperator>
                    <ID>CN2234567890</ID><Name>Ningbo Harbour Trading, Ltd</Name>
                    <Address><Line>1 Port Ave</Line><CityName>Ningbo</CityName><PostcodeID>315000</PostcodeID>
                      <CountryCode>CN</CountryCode></Address>
                    <ProgrammeCode>AEO</ProgrammeCode><StatusCode>SUSPENDED</StatusCode>
                    <EffectiveDate>2018-03-12</EffectiveDate><ExpiryDate>2027-03-11</ExpiryDate>
                    <StatusChangeDateTime>2026-11-20T09:30:00Z</StatusChangeDateTime>
                    <StatusReason>audit pending</StatusReason>
                  </AuthorisedEconomicOperator>
                </AEOStatusList>
                """;
        AeoStatusRecord fromCsv = only(Translators.standard()
                .translate(DocumentFormat.AEO_STATUS_CSV, csv.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT));
        AeoStatusRecord fromJson = only(Translators.standard()
                .translate(DocumentFormat.AEO_STATUS_JSON, json.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT));
        AeoStatusRecord fromXml = only(translateText(xml));

        assertEquals("CN-GACC:CN2234567890:2026-11-20T09:30:00Z", fromXml.recordId());
        assertEquals(
                List.of(fromCsv.recordId(), fromCsv.recordVersion()),
                List.of(fromXml.recordId(), fromXml.recordVersion()));
        assertEquals(
                List.of(fromJson.recordId(), fromJson.recordVersion()),
                List.of(fromXml.recordId(), fromXml.recordVersion()));
        assertEquals("aeo-status-xml", fromXml.sourceFormat());
    }

    @Test
    void gives_the_formats_sample_the_record_version_the_csv_and_json_samples_have() throws IOException {
        JsonNode xml = MAPPER.readTree(Fixtures.bytes("aeo-status-xml/valid/formats-sample.expected.json"))
                .get(0);
        JsonNode csv = MAPPER.readTree(Fixtures.bytes("aeo-status-csv/valid/formats-sample.expected.json"))
                .get(0);
        JsonNode json = MAPPER.readTree(Fixtures.bytes("aeo-status-json/valid/formats-sample.expected.json"))
                .get(0);
        assertEquals(csv.get("recordId"), xml.get("recordId"));
        assertEquals(csv.get("recordVersion"), xml.get("recordVersion"));
        assertEquals(json.get("recordVersion"), xml.get("recordVersion"));
    }

    @Test
    void keeps_non_ascii_names_and_markup_characters_exactly() {
        List<CanonicalRecord> records = records(
                Fixtures.translate(DocumentFormat.AEO_STATUS_XML, "aeo-status-xml/valid/full-list-non-ascii.xml"));
        AeoStatusRecord first = (AeoStatusRecord) records.get(0);
        AeoStatusRecord second = (AeoStatusRecord) records.get(1);
        assertEquals("Müller & Söhne Außenhandel GmbH", first.operatorName());
        assertEquals("Verstoß gegen Auflagen; \"Prüfung\" abgeschlossen", first.statusReason());
        assertEquals("深圳光明出口有限公司 Europa GmbH", second.operatorName());
        assertNull(second.validUntil());
        assertNull(second.statusReason());
    }

    @Test
    void reads_a_missing_address_part_as_null() {
        AeoStatusRecord record = (AeoStatusRecord) records(Fixtures.translate(
                        DocumentFormat.AEO_STATUS_XML, "aeo-status-xml/valid/address-without-postcode.xml"))
                .get(1);
        assertNull(record.address().line());
        assertNull(record.address().city());
        assertNull(record.address().postcode());
        assertEquals("HK", record.address().country());
    }

    @Test
    void reports_a_status_code_outside_the_list_by_path_and_line() {
        assertEquals(
                List.of(error(STATUS_CODE.formatted(2, 16), Rules.STATUS)),
                errors(translate("xsd-violation-status-code.xml")));
    }

    @Test
    void reports_every_schema_and_rule_error_of_every_operator() {
        assertEquals(
                List.of(
                        error("/AEOStatusList/MetaData/ResponsibleCountryCode, line 2", Rules.COUNTRY),
                        error("/AEOStatusList/AuthorisedEconomicOperator[1]/ID, line 6", Rules.AEO_ID),
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[1]/Address/CountryCode, line 8",
                                Rules.COUNTRY),
                        error("/AEOStatusList/AuthorisedEconomicOperator[1]/EffectiveDate, line 10", Rules.DATE),
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[2]/Address, line 15",
                                "Invalid content was found starting with element 'Address'. One of 'Name' is expected."),
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[2]/StatusChangeDateTime, line 18",
                                Rules.INSTANT),
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[3]/Name, line 22",
                                "must be 1 to 512 characters on one line, without leading or trailing white space"),
                        error("/AEOStatusList/AuthorisedEconomicOperator[3]/ExpiryDate, line 27", Rules.DATE),
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[3]/StatusReason, line 28",
                                "Invalid content was found starting with element 'StatusReason'. "
                                        + "One of 'StatusChangeDateTime' is expected.")),
                errors(translate("several-bad-operators.xml")));
    }

    @Test
    void rejects_the_same_statement_twice_even_with_the_instant_written_differently() {
        assertEquals(
                List.of(
                        error(
                                "/AEOStatusList/AuthorisedEconomicOperator[2]/ID, line 12",
                                "repeats the statement of /AEOStatusList/AuthorisedEconomicOperator[1] (same ID and StatusChangeDateTime)")),
                errors(translate("duplicate-statement.xml")));
    }

    @Test
    void rejects_a_doctype_with_entity_expansion_without_expanding_anything() {
        assertEquals(
                List.of(error("line 2, column 10", "a DOCTYPE declaration is not allowed (no DTDs, no entities)")),
                errors(translate("doctype-entity-expansion.xml")));
    }

    @Test
    void rejects_an_external_entity_without_reading_the_file() {
        List<LocatedError> errors = errors(translate("external-entity.xml"));
        assertEquals(
                List.of(error("line 2, column 10", "a DOCTYPE declaration is not allowed (no DTDs, no entities)")),
                errors);
        assertFalse(errors.toString().contains("root:"), "nothing of /etc/passwd may appear");
    }

    @Test
    void rejects_elements_nested_deeper_than_the_limit() {
        assertEquals(
                List.of(error("line 4, column 449", "elements are nested deeper than 64 levels")),
                errors(translate("deeply-nested.xml")));
    }

    @Test
    void rejects_another_root_element_with_one_error_and_no_field_errors() {
        assertEquals(
                List.of(error(
                        "/AEOStatusList, line 1",
                        "the root element must be AEOStatusList in namespace urn:cbec:aeo-status:1")),
                errors(translate("root-in-other-namespace.xml")));
    }

    @Test
    void rejects_a_list_without_operators() {
        assertEquals(
                List.of(
                        error(
                                "/AEOStatusList, line 3",
                                "The content of element 'AEOStatusList' is not complete. One of 'AuthorisedEconomicOperator' is expected.")),
                errors(translate("no-operators.xml")));
    }

    @Test
    void rejects_a_signature_that_is_not_the_last_child() {
        assertEquals(
                List.of(
                        error(
                                "/AEOStatusList/ds:Signature, line 2",
                                "Invalid content was found starting with element 'ds:Signature'. One of 'MetaData' is expected.")),
                errors(translate("signature-not-last.xml")));
    }

    @Test
    void rejects_xml_that_is_not_well_formed_with_its_line_and_column() {
        assertEquals(
                List.of(error(
                        "line 6, column 5",
                        "The element type \"ID\" must be terminated by the matching end-tag \"</ID>\".")),
                errors(translate("mismatched-end-tag.xml")));
    }

    @Test
    void rejects_invalid_utf8_as_an_error_not_an_exception() {
        List<LocatedError> errors = errors(translate("invalid-utf8.xml"));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).message().contains("UTF-8"), errors::toString);
    }

    @Test
    void never_throws_on_bytes_that_are_not_xml() {
        assertEquals(List.of(error("line 1, column 1", "Premature end of file.")), errors(translateText("")));
        assertEquals(
                List.of(error("line 1, column 1", "Content is not allowed in prolog.")),
                errors(translateText("{\"documentType\":\"AEO_STATUS_LIST\"}")));
        assertEquals(
                1,
                errors(new AeoStatusXmlTranslator().translate(new byte[] {0, 1, 2, (byte) 0xFF}, Fixtures.CONTEXT))
                        .size());
    }

    @Test
    void reports_errors_in_english_whatever_the_default_locale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMAN);
            for (int i = 0; i < 2; i++) { // the second time on reset parsers
                assertEquals(
                        List.of(error(
                                "line 6, column 5",
                                "The element type \"ID\" must be terminated by the matching end-tag \"</ID>\".")),
                        errors(translate("mismatched-end-tag.xml")));
                assertEquals(
                        List.of(
                                error(
                                        "/AEOStatusList, line 3",
                                        "The content of element 'AEOStatusList' is not complete. One of 'AuthorisedEconomicOperator' is expected.")),
                        errors(translate("no-operators.xml")));
            }
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void stops_listing_errors_after_the_limit() {
        StringBuilder xml = new StringBuilder("<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\"><MetaData>"
                + "<ResponsibleCountryCode>CN</ResponsibleCountryCode><IssueDateTime>2026-11-28T06:00:00Z</IssueDateTime>"
                + "<ListTypeCode>DELTA</ListTypeCode></MetaData>\n");
        for (int i = 0; i < AeoStatusXmlTranslator.MAX_ERRORS + 10; i++) {
            xml.append("<AuthorisedEconomicOperator><ID>CN1</ID></AuthorisedEconomicOperator>\n");
        }
        xml.append("</AEOStatusList>");
        List<LocatedError> errors = errors(translateText(xml.toString()));
        assertEquals(AeoStatusXmlTranslator.MAX_ERRORS + 1, errors.size());
        assertEquals(
                error("document", "more than 1000 errors; the rest are not listed"), errors.get(errors.size() - 1));
    }

    @Test
    void tells_the_list_type_by_reading_only_the_metadata() {
        assertEquals(
                Optional.of(AeoStatusList.ListType.FULL),
                AeoStatusXmlTranslator.listType(Fixtures.bytes("aeo-status-xml/valid/full-list-non-ascii.xml")));
        assertEquals(
                Optional.of(AeoStatusList.ListType.DELTA),
                AeoStatusXmlTranslator.listType(
                        Fixtures.bytes("aeo-status-xml/valid/prefixed-with-comments-and-cdata.xml")));
        assertEquals(
                Optional.empty(),
                AeoStatusXmlTranslator.listType(Fixtures.bytes("aeo-status-xml/invalid/root-in-other-namespace.xml")));
        assertEquals(
                Optional.empty(),
                AeoStatusXmlTranslator.listType(Fixtures.bytes("aeo-status-xml/invalid/doctype-entity-expansion.xml")));
        String partial = "<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\">"
                + "<MetaData><ListTypeCode>PARTIAL</ListTypeCode></MetaData></AEOStatusList>";
        assertEquals(Optional.empty(), AeoStatusXmlTranslator.listType(partial.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void is_the_translator_the_standard_registry_uses_for_aeo_status_xml() {
        assertTrue(Translators.standard().supports(DocumentFormat.AEO_STATUS_XML));
    }

    private static AeoStatusRecord only(Translation translation) {
        List<CanonicalRecord> records = records(translation);
        assertEquals(1, records.size());
        return (AeoStatusRecord) records.get(0);
    }
}
