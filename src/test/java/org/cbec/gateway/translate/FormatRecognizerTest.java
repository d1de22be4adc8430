package org.cbec.gateway.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Formats are told from content alone, cheaply, and never by resolving anything in the document. */
class FormatRecognizerTest {

    private static Optional<DocumentFormat> recognise(String text) {
        return FormatRecognizer.recognise(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<DocumentFormat> recogniseFixture(String path) {
        return FormatRecognizer.recognise(Fixtures.bytes(path));
    }

    @Test
    void recognises_the_formats_md_samples() {
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_CSV),
                recogniseFixture("aeo-status-csv/valid/formats-sample.csv"));
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_JSON),
                recogniseFixture("aeo-status-json/valid/formats-sample.json"));
        assertEquals(
                Optional.of(DocumentFormat.ECOM_SHIPMENT_JSON),
                recogniseFixture("ecom-shipment-json/valid/formats-sample.json"));
        assertEquals(Optional.of(DocumentFormat.AEO_STATUS_XML), recogniseFixture("recognise/aeo-status-list.xml"));
    }

    @Test
    void recognises_a_json_document_by_its_document_type_wherever_it_is() {
        assertEquals(
                Optional.of(DocumentFormat.ECOM_SHIPMENT_JSON),
                recogniseFixture("ecom-shipment-json/valid/batch-mixed-amount-forms.json"));
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_JSON),
                recognise(
                        " \n{\"operators\":[{\"documentType\":\"ECOM_SHIPMENT\"}],\"documentType\":\"AEO_STATUS_LIST\"}"));
        assertEquals(
                Optional.of(DocumentFormat.ECOM_SHIPMENT_JSON),
                recognise("{\"seller\":{\"name\":\"a\",\"name\":\"b\"},\"documentType\":\"ECOM_SHIPMENT\"}"));
        assertEquals(Optional.empty(), recognise("{\"documentType\":\"INVOICE\"}"));
        assertEquals(Optional.empty(), recognise("{\"documentType\":[\"AEO_STATUS_LIST\"]}"));
        assertEquals(Optional.empty(), recognise("{\"waybillNo\":\"784-12345675\"}"));
        assertEquals(Optional.empty(), recognise("{\"documentType\": broken"));
    }

    @Test
    void skips_a_byte_order_mark_and_leading_whitespace() {
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_JSON),
                recogniseFixture("aeo-status-json/valid/bom-prefixed.json"));
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_CSV), recogniseFixture("aeo-status-csv/valid/bom-prefixed.csv"));
        assertEquals(
                Optional.of(DocumentFormat.AEO_STATUS_CSV), recognise("\r\n" + AeoStatusCsvTranslator.HEADER + "\r\n"));
    }

    @Test
    void recognises_csv_only_when_the_first_line_is_exactly_the_header() {
        assertEquals(Optional.of(DocumentFormat.AEO_STATUS_CSV), recognise(AeoStatusCsvTranslator.HEADER));
        assertEquals(Optional.empty(), recognise(AeoStatusCsvTranslator.HEADER + ",extra\n"));
        assertEquals(Optional.empty(), recogniseFixture("aeo-status-csv/invalid/header-misspelled.csv"));
        assertEquals(Optional.empty(), recognise("aeo_id,operator_name"));
    }

    @Test
    void recognises_xml_by_root_name_and_namespace_also_with_a_prefix() {
        assertEquals(
                Optional.of(DocumentFormat.WCO_DEC_XML), recogniseFixture("recognise/wco-declaration-prefixed.xml"));
        assertEquals(Optional.empty(), recogniseFixture("recognise/root-in-other-namespace.xml"));
        assertEquals(Optional.empty(), recognise("<AEOStatusList><MetaData/></AEOStatusList>"));
        assertEquals(Optional.empty(), recognise("<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\""));
        assertEquals(
                Optional.of(DocumentFormat.WCO_DEC_XML),
                recognise("<Declaration xmlns=\"urn:wco:datamodel:WCO:DEC-DMS:2\"/>"));
    }

    @Test
    void skips_a_doctype_without_resolving_its_entities() {
        // the DOCTYPE names /etc/passwd: recognised by the root alone, the entity is never read
        assertEquals(Optional.of(DocumentFormat.AEO_STATUS_XML), recogniseFixture("recognise/doctype-with-entity.xml"));
    }

    @Test
    void recognises_edifact_cuscar_and_not_other_edifact_messages() {
        assertEquals(Optional.of(DocumentFormat.EDIFACT_CUSCAR), recogniseFixture("recognise/cuscar.edi"));
        assertEquals(
                Optional.of(DocumentFormat.EDIFACT_CUSCAR), recogniseFixture("recognise/cuscar-custom-separators.edi"));
        assertEquals(Optional.empty(), recogniseFixture("recognise/iftmin.edi"));
        assertEquals(Optional.empty(), recognise("UNB+UNOC:3+A+B+261128:0600+R1"));
        assertEquals(Optional.empty(), recognise("UNZ+1+R1'"));
    }

    @Test
    void recognises_nothing_in_empty_or_unknown_content() {
        assertEquals(Optional.empty(), FormatRecognizer.recognise(new byte[0]));
        assertEquals(Optional.empty(), recognise(" \t\r\n"));
        assertEquals(Optional.empty(), recognise("%PDF-1.7"));
        assertEquals(Optional.empty(), FormatRecognizer.recognise(new byte[] {(byte) 0xEF, (byte) 0xBB}));
    }
}
