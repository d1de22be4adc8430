package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.cbec.gateway.canonical.CanonicalJson;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.junit.jupiter.api.Test;

/**
 * {@code wco-dec-xml}: the e-commerce subset of a WCO declaration read into one {@code ECOM_SHIPMENT} record by
 * the rules of {@code ecom-shipment-json}, every error located by path and line, a hardened parser, and golden
 * files: every {@code translate/wco-dec-xml/valid/<name>.xml} translates to exactly {@code <name>.expected.json}.
 * Its golden files run in {@link GoldenFileTest}.
 */
class WcoDeclarationXmlTranslatorTest {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();

    private static final String SAMPLE = "wco-dec-xml/valid/formats-sample.xml";
    private static final String THREE_ITEMS = "wco-dec-xml/valid/three-goods-items-non-ascii.xml";
    private static final String EXPORT = "wco-dec-xml/valid/export-declaration-with-other-content.xml";
    private static final String ITEM = "/Declaration/GoodsShipment/GovernmentAgencyGoodsItem";
    private static final String TRANSPORT_MODE_RULE =
            "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), 3 (road), 4 (air) or 5 (post)";
    private static final String DECIMAL_RULE =
            "must be a decimal number such as 59.80: at most 30 digits before and after the point, no sign or exponent";
    private static final String DOCTYPE_REFUSED = "a DOCTYPE declaration is not allowed (no DTDs, no entities)";

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.WCO_DEC_XML, "wco-dec-xml/invalid/" + fixture);
    }

    private static Translation translateText(String xml) {
        return new WcoDeclarationXmlTranslator().translate(xml.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT);
    }

    private static String text(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
    }

    private static ShipmentRecord only(Translation translation) {
        List<CanonicalRecord> records = records(translation);
        assertEquals(1, records.size());
        return (ShipmentRecord) records.get(0);
    }

    /** The sample with one piece of it replaced; fails when the piece is not there, so no test passes vacuously. */
    private static Translation sampleWith(String piece, String replacement) {
        String sample = text(SAMPLE);
        assertTrue(sample.contains(piece), () -> "the sample has no " + piece);
        return translateText(sample.replace(piece, replacement));
    }

    @Test
    void gives_the_formats_sample_the_record_id_and_version_the_json_sample_has() throws IOException {
        ShipmentRecord fromJson = only(
                Fixtures.translate(DocumentFormat.ECOM_SHIPMENT_JSON, "ecom-shipment-json/valid/formats-sample.json"));
        ShipmentRecord fromXml = only(Fixtures.translate(DocumentFormat.WCO_DEC_XML, SAMPLE));

        assertEquals("CN-GACC:784-12345675", fromXml.recordId());
        assertEquals(
                List.of(fromJson.recordId(), fromJson.recordVersion()),
                List.of(fromXml.recordId(), fromXml.recordVersion()));
        assertEquals("wco-dec-xml", fromXml.sourceFormat());
        assertNotEquals(fromJson.sourceFormat(), fromXml.sourceFormat());
        // not only the hash: every field but the format is the same
        ObjectNode json = MAPPER.valueToTree(fromJson);
        ObjectNode xml = MAPPER.valueToTree(fromXml);
        json.remove("sourceFormat");
        xml.remove("sourceFormat");
        assertEquals(json, xml);
        // and the version is the one the JSON golden file holds
        JsonNode jsonGolden = MAPPER.readTree(Fixtures.bytes("ecom-shipment-json/valid/formats-sample.expected.json"));
        assertEquals(jsonGolden.get(0).get("recordVersion").textValue(), fromXml.recordVersion());
    }

    @Test
    void gives_another_version_when_the_business_content_changes() {
        ShipmentRecord original = only(Fixtures.translate(DocumentFormat.WCO_DEC_XML, SAMPLE));
        ShipmentRecord repriced = only(sampleWith(">59.80<", ">59.90<"));
        assertEquals(original.recordId(), repriced.recordId());
        assertNotEquals(original.recordVersion(), repriced.recordVersion());
    }

    @Test
    void keeps_non_ascii_names_and_decimals_exactly_and_sums_three_goods_items() {
        ShipmentRecord record = only(Fixtures.translate(DocumentFormat.WCO_DEC_XML, THREE_ITEMS));
        assertEquals("深圳市光明跨境电商有限公司 (Bright & Co.)", record.seller().name());
        assertEquals("南山区科苑路88号", record.seller().address().line());
        assertEquals("深圳", record.seller().address().city());
        assertEquals("Jürgen Groß-Müller", record.buyer().name());
        assertEquals("Königstraße 12, Hinterhaus", record.buyer().address().line());
        assertEquals("München", record.buyer().address().city());
        assertEquals(
                "Edelstahl-Thermoskanne „Bergsee“, 0,5 l", record.items().get(1).description());
        assertEquals(
                List.of("59.80", "24.95", "45.00"),
                record.items().stream().map(ShipmentItem::value).toList());
        assertEquals(
                List.of("0.450", "0.380", "0.120"),
                record.items().stream().map(ShipmentItem::grossMassKg).toList());
        assertEquals(
                List.of(1, 2, 3), record.items().stream().map(ShipmentItem::seq).toList());
        assertEquals("129.75", record.totalValue());
        assertEquals("EUR", record.currency());
        assertEquals(new BigDecimal("3"), record.items().get(2).quantity());
        assertEquals("9617001100", record.items().get(1).hsCode());
    }

    @Test
    void reads_tins_from_domestic_duty_tax_parties_and_aeo_ids_from_the_parties() {
        ShipmentRecord record = only(Fixtures.translate(DocumentFormat.WCO_DEC_XML, THREE_ITEMS));
        assertEquals("91440300MA5G7XYZ1Q", record.seller().tin());
        assertEquals("CN4403987654", record.seller().aeoId());
        assertEquals("DE812345678", record.buyer().tin());
        assertNull(record.buyer().aeoId());
        assertEquals("PLAT-CN-007", record.platformId());
        assertEquals("TM-20261128-0042", record.orderId());
        assertNull(record.masterTransportDocId());
        assertEquals(TransportMode.POST, record.transportMode());
    }

    @Test
    void reads_an_export_declaration_and_ignores_what_lies_outside_the_subset() {
        ShipmentRecord record = only(Fixtures.translate(DocumentFormat.WCO_DEC_XML, EXPORT));
        assertEquals("Ningbo Harbour Trading, Ltd", record.seller().name()); // the Exporter under Declaration
        assertEquals("CN2234567890", record.seller().aeoId()); // read without the white space around it
        assertEquals("MAEU123456789", record.houseTransportDocId()); // TypeCode 714, a house bill of lading
        ShipmentItem item = record.items().get(0);
        assertEquals("691200", item.hsCode()); // the HS classification, not the TSP one
        assertEquals("Ceramic mugs <set of 4> & saucers", item.description());
        assertEquals(new BigDecimal("120"), item.quantity());
        assertNull(item.unit());
        assertNull(item.grossMassKg());
        assertEquals("1200.00", item.value());
        assertEquals("USD", item.currency());
        assertEquals(TransportMode.SEA, record.transportMode());
        assertNull(record.platformId()); // no Declarant; the FunctionalReferenceID is not the order
        assertNull(record.orderId());
        assertNull(record.masterTransportDocId());
        assertNull(record.seller().tin());
    }

    @Test
    void tells_the_master_waybill_by_its_type_code_in_any_order() {
        String house = "<TransportContractDocument>\n        <ID>784-12345675</ID>\n        <TypeCode>703</TypeCode>\n"
                + "      </TransportContractDocument>";
        String masterFirst = "<TransportContractDocument><ID>784-00000011</ID><TypeCode>704</TypeCode>"
                + "</TransportContractDocument>\n      <TransportContractDocument><ID>784-12345675</ID>"
                + "</TransportContractDocument>";
        String sample = text(SAMPLE);
        int start = sample.indexOf(house);
        int end = sample.indexOf("</Consignment>");
        assertTrue(start > 0 && end > start, "the sample's consignment");
        ShipmentRecord record =
                only(translateText(sample.substring(0, start) + masterFirst + "\n    " + sample.substring(end)));
        assertEquals("784-12345675", record.houseTransportDocId());
        assertEquals("784-00000011", record.masterTransportDocId());
    }

    @Test
    void maps_every_rec19_transport_mode() {
        for (TransportMode mode : TransportMode.values()) {
            ShipmentRecord record =
                    only(sampleWith("<ModeCode>4</ModeCode>", "<ModeCode>" + mode.rec19Code() + "</ModeCode>"));
            assertEquals(mode, record.transportMode());
        }
    }

    @Test
    void rejects_an_hs_code_of_fewer_than_six_digits() {
        assertEquals(
                List.of(error(ITEM + "[2]/Commodity/Classification/ID, line 30", Rules.HS_CODE)),
                errors(translate("hs-code-too-short.xml")));
    }

    @Test
    void rejects_a_declaration_without_house_waybill() {
        assertEquals(
                List.of(
                        error(
                                "/Declaration/GoodsShipment/Consignment/TransportContractDocument/ID, line 6",
                                "is required: the house waybill, a TransportContractDocument without master TypeCode 704 or 741")),
                errors(translate("missing-house-waybill.xml")));
    }

    @Test
    void rejects_two_house_waybills() {
        assertEquals(
                List.of(error(
                        "/Declaration/GoodsShipment/Consignment/TransportContractDocument[2], line 8",
                        "is a second house waybill: only one TransportContractDocument may be without master "
                                + "TypeCode 704 or 741")),
                errors(translate("two-house-waybills.xml")));
    }

    @Test
    void rejects_goods_in_more_than_one_currency() {
        assertEquals(
                List.of(error(
                        ITEM + "[2]/Commodity/InvoiceLine/ItemChargeAmount/@currencyID, line 32",
                        "is USD but " + ITEM + "[1]/Commodity/InvoiceLine/ItemChargeAmount/@currencyID is EUR: "
                                + "all goods of a shipment are in one currency")),
                errors(translate("mixed-currencies.xml")));
    }

    @Test
    void rejects_a_gross_mass_in_another_unit_than_kilograms() {
        assertEquals(
                List.of(error(
                        ITEM + "[2]/Commodity/GoodsMeasure/GrossMassMeasure/@unitCode, line 31",
                        "must be KGM: gross mass is exchanged in kilograms")),
                errors(translate("gross-mass-not-kgm.xml")));
    }

    @Test
    void rejects_a_gross_mass_without_unit_code() {
        assertEquals(
                List.of(error(ITEM + "[1]/Commodity/GoodsMeasure/GrossMassMeasure/@unitCode, line 53", "is required")),
                errors(sampleWith("<GrossMassMeasure unitCode=\"KGM\">", "<GrossMassMeasure>")));
    }

    @Test
    void rejects_a_transport_mode_that_is_not_a_rec19_code() {
        assertEquals(
                List.of(error("/Declaration/BorderTransportMeans/ModeCode, line 3", TRANSPORT_MODE_RULE)),
                errors(translate("transport-mode-unknown.xml")));
        assertEquals(
                List.of(error("/Declaration/BorderTransportMeans/ModeCode, line 8", TRANSPORT_MODE_RULE)),
                errors(sampleWith("<ModeCode>4</ModeCode>", "<ModeCode>04</ModeCode>")));
    }

    @Test
    void rejects_a_sequence_number_used_twice() {
        assertEquals(
                List.of(error(ITEM + "[2]/SequenceNumeric, line 27", "repeats the SequenceNumeric of " + ITEM + "[1]")),
                errors(translate("duplicate-sequence-numeric.xml")));
    }

    @Test
    void rejects_a_declaration_without_goods_items() {
        assertEquals(List.of(error(ITEM + ", line 5", "is required")), errors(translate("no-goods-items.xml")));
    }

    @Test
    void rejects_an_exporter_under_both_the_declaration_and_the_goods_shipment() {
        assertEquals(
                List.of(
                        error(
                                "/Declaration/GoodsShipment/Exporter, line 13",
                                "repeats the seller of "
                                        + "/Declaration/Exporter: the Exporter is given once, under Declaration or under GoodsShipment")),
                errors(translate("exporter-under-declaration-and-goods-shipment.xml")));
    }

    @Test
    void reports_every_bad_field_by_path_and_line_in_document_order() {
        assertEquals(
                List.of(
                        error("/Declaration/BorderTransportMeans/ModeCode, line 3", "is required"),
                        error("/Declaration/GoodsShipment/ExportCountry, line 4", "is required"),
                        error(
                                "/Declaration/GoodsShipment/Consignment/TransportContractDocument/ID, line 6",
                                "is required"),
                        error("/Declaration/GoodsShipment/Consignment[2], line 8", "may occur only once"),
                        error("/Declaration/GoodsShipment/Destination/CountryCode, line 9", Rules.COUNTRY),
                        error("/Declaration/GoodsShipment/Exporter/Name, line 10", "is required"),
                        error("/Declaration/GoodsShipment/Exporter/ID, line 11", Rules.AEO_ID),
                        error(ITEM + "[1]/SequenceNumeric, line 15", "must be a whole number of at least 1"),
                        error(ITEM + "[1]/Commodity/Description, line 17", "must hold text, not elements"),
                        error(ITEM + "[1]/Commodity/Classification/ID, line 18", Rules.HS_CODE),
                        error(ITEM + "[1]/Commodity/GoodsMeasure/TariffQuantity, line 19", "must be greater than zero"),
                        error(ITEM + "[1]/Commodity/InvoiceLine/ItemChargeAmount, line 20", DECIMAL_RULE),
                        error(ITEM + "[1]/Commodity/InvoiceLine/ItemChargeAmount/@currencyID, line 20", Rules.CURRENCY),
                        error(ITEM + "[1]/Origin/CountryCode, line 22", Rules.COUNTRY),
                        error(ITEM + "[2]/Origin, line 24", "is required"),
                        error(
                                ITEM + "[2]/Commodity/Classification, line 26",
                                "is required: one Classification without IdentificationTypeCode or with IdentificationTypeCode HS"),
                        error(ITEM + "[2]/Commodity/GoodsMeasure/TariffQuantity, line 29", "is required"),
                        error(ITEM + "[2]/Commodity/GoodsMeasure/GrossMassMeasure/@unitCode, line 29", "is required"),
                        error(ITEM + "[2]/Commodity/InvoiceLine/ItemChargeAmount, line 30", DECIMAL_RULE),
                        error("/Declaration/GoodsShipment/Importer/Address, line 33", "is required"),
                        error("/Declaration/GoodsShipment/Importer/Name[2], line 35", "may occur only once")),
                errors(translate("several-bad-fields.xml")));
    }

    @Test
    void rejects_a_doctype_with_entity_expansion_without_expanding_anything() {
        assertEquals(List.of(error("line 2, column 10", DOCTYPE_REFUSED)), errors(translate("doctype-entity.xml")));
    }

    @Test
    void rejects_an_external_entity_without_reading_the_file() {
        List<LocatedError> errors = errors(translate("external-entity.xml"));
        assertEquals(List.of(error("line 2, column 10", DOCTYPE_REFUSED)), errors);
        assertFalse(errors.toString().contains("root:"), "nothing of /etc/passwd may appear");
    }

    @Test
    void rejects_elements_nested_deeper_than_the_limit() {
        assertEquals(
                List.of(error("line 38, column 437", "elements are nested deeper than 64 levels")),
                errors(translate("deeply-nested.xml")));
    }

    @Test
    void rejects_another_root_element_with_one_error_and_no_field_errors() {
        assertEquals(
                List.of(error(
                        "/Response, line 2",
                        "the root element must be Declaration in namespace urn:wco:datamodel:WCO:DEC-DMS:2")),
                errors(translate("wrong-root.xml")));
    }

    @Test
    void rejects_xml_that_is_not_well_formed_with_its_line_and_column() {
        assertEquals(
                List.of(
                        error(
                                "line 19, column 44",
                                "The element type \"Description\" must be terminated by the matching end-tag \"</Description>\".")),
                errors(translate("mismatched-end-tag.xml")));
    }

    @Test
    void never_throws_on_bytes_that_are_not_xml() {
        assertEquals(List.of(error("line 1, column 1", "Premature end of file.")), errors(translateText("")));
        assertEquals(
                List.of(error("line 1, column 1", "Content is not allowed in prolog.")),
                errors(translateText("{\"documentType\":\"ECOM_SHIPMENT\"}")));
        assertEquals(
                1,
                errors(new WcoDeclarationXmlTranslator().translate(new byte[] {0, 1, 2, (byte) 0xFF}, Fixtures.CONTEXT))
                        .size());
    }

    @Test
    void never_throws_on_truncated_or_corrupted_declarations() {
        Random random = new Random(20261128L); // fixed seed: the same corruptions on every run
        WcoDeclarationXmlTranslator translator = new WcoDeclarationXmlTranslator();
        byte[] valid = Fixtures.bytes(THREE_ITEMS);
        List<byte[]> damaged = new ArrayList<>();
        for (int length = 0; length < valid.length; length += 3) {
            damaged.add(Arrays.copyOf(valid, length));
        }
        for (int round = 0; round < 500; round++) {
            byte[] corrupted = valid.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
            }
            damaged.add(corrupted);
        }
        for (byte[] document : damaged) {
            Translation translation = translator.translate(document, Fixtures.CONTEXT);
            if (translation instanceof Translation.Invalid invalid) {
                assertFalse(invalid.errors().isEmpty(), "an invalid translation names its errors");
            }
        }
    }

    @Test
    void stops_listing_errors_after_the_limit() {
        StringBuilder xml = new StringBuilder(text(SAMPLE));
        int end = xml.indexOf("<Importer>");
        for (int i = 0; i < WcoDeclarationXmlTranslator.MAX_ERRORS; i++) {
            xml.insert(end, "<GovernmentAgencyGoodsItem/>\n");
        }
        List<LocatedError> errors = errors(translateText(xml.toString()));
        assertEquals(WcoDeclarationXmlTranslator.MAX_ERRORS + 1, errors.size());
        assertEquals(
                error("document", "more than 1000 errors; the rest are not listed"), errors.get(errors.size() - 1));
    }

    @Test
    void translates_concurrently_with_the_same_results_as_one_at_a_time() throws Exception {
        List<String> fixtures = List.of(SAMPLE, THREE_ITEMS, EXPORT, "wco-dec-xml/invalid/several-bad-fields.xml");
        List<Translation> sequential = fixtures.stream()
                .map(fixture -> Fixtures.translate(DocumentFormat.WCO_DEC_XML, fixture))
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Translation>>> runs = new ArrayList<>();
            for (int run = 0; run < 16; run++) {
                runs.add(pool.submit(() -> fixtures.stream()
                        .map(fixture -> Fixtures.translate(DocumentFormat.WCO_DEC_XML, fixture))
                        .toList()));
            }
            for (Future<List<Translation>> run : runs) {
                assertEquals(sequential, run.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void is_the_translator_the_standard_registry_uses_for_wco_declarations() {
        assertTrue(Translators.standard().supports(DocumentFormat.WCO_DEC_XML));
        assertEquals(
                DocumentFormat.WCO_DEC_XML,
                Translators.standard()
                        .translator(DocumentFormat.WCO_DEC_XML)
                        .orElseThrow()
                        .format());
    }
}
