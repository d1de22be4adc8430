package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.Charset;
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
 * {@code edifact-cuscar}: golden files under {@code translate/edifact-cuscar/valid} (run by {@link GoldenFileTest}), and one fixture per
 * defect under {@code invalid/}, each with its exact located errors.
 */
class EdifactCuscarTranslatorTest {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();
    private static final String FOLDER = "edifact-cuscar";
    private static final EdifactCuscarTranslator TRANSLATOR = new EdifactCuscarTranslator();

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.EDIFACT_CUSCAR, FOLDER + "/" + fixture);
    }

    private static Translation translate(String text, Charset charset) {
        return TRANSLATOR.translate(text.getBytes(charset), Fixtures.CONTEXT);
    }

    private static String sampleText() {
        return new String(Fixtures.bytes(FOLDER + "/valid/formats-sample.edi"), StandardCharsets.ISO_8859_1);
    }

    /** The formats sample with segments inserted after {@code anchor}, its UNT count raised to match. */
    private static Translation sampleWith(String anchor, String... segments) {
        String inserted = anchor + "\n" + String.join("\n", segments);
        String document =
                sampleText().replace(anchor, inserted).replace("UNT+21+1'", "UNT+" + (21 + segments.length) + "+1'");
        return translate(document, StandardCharsets.ISO_8859_1);
    }

    private static List<ShipmentRecord> shipments(String fixture) {
        return records(translate(fixture)).stream()
                .map(ShipmentRecord.class::cast)
                .toList();
    }

    @Test
    void gives_the_formats_sample_the_same_record_id_and_version_as_the_json_translator() {
        ShipmentRecord fromEdifact = shipments("valid/formats-sample.edi").get(0);
        ShipmentRecord fromJson = (ShipmentRecord) records(Fixtures.translate(
                        DocumentFormat.ECOM_SHIPMENT_JSON, "ecom-shipment-json/valid/formats-sample.json"))
                .get(0);
        assertEquals("CN-GACC:784-12345675", fromEdifact.recordId());
        assertEquals(fromJson.recordId(), fromEdifact.recordId());
        assertEquals(fromJson.recordVersion(), fromEdifact.recordVersion());
        assertEquals("edifact-cuscar", fromEdifact.sourceFormat());
        assertNotEquals(fromJson.sourceFormat(), fromEdifact.sourceFormat());
    }

    @Test
    void makes_one_record_per_house_consignment() {
        List<ShipmentRecord> records = shipments("valid/three-house-consignments.edi");
        assertEquals(
                List.of("CN-GACC:HB-2026-0001", "CN-GACC:HB-2026-0002", "CN-GACC:HB-2026-0003"),
                records.stream().map(ShipmentRecord::recordId).toList());
    }

    @Test
    void keeps_latin1_umlauts_of_a_unoc_interchange_exact() {
        List<ShipmentRecord> records = shipments("valid/three-house-consignments.edi");
        assertEquals("Jürgen Müller-Lüdenscheidt", records.get(0).buyer().name());
        assertEquals("Straße des 17. Juni 135", records.get(0).buyer().address().line());
        assertEquals("Köln", records.get(0).buyer().address().city());
        assertEquals("Françoise Léger", records.get(1).buyer().name());
    }

    @Test
    void removes_release_characters_and_keeps_the_separators_they_release() {
        ShipmentRecord first = shipments("valid/three-house-consignments.edi").get(0);
        assertEquals("O'Brien+Sons Trading Co: Ltd", first.seller().name());
        assertEquals("12 Harbour Road Unit 5", first.seller().address().line());
    }

    @Test
    void keeps_decimals_exact_as_sent() {
        ShipmentRecord first = shipments("valid/three-house-consignments.edi").get(0);
        ShipmentItem headphones = first.items().get(0);
        assertEquals("59.80", headphones.value());
        assertEquals("0.450", headphones.grossMassKg());
        assertEquals("10.5", first.items().get(1).value());
        assertEquals("70.30", first.totalValue());
        assertEquals("EUR", first.currency());
    }

    @Test
    void takes_the_quantity_from_qty_or_else_from_the_packages_of_gid() {
        ShipmentRecord first = shipments("valid/three-house-consignments.edi").get(0);
        assertEquals(new BigDecimal("2"), first.items().get(0).quantity());
        assertEquals("PCE", first.items().get(0).unit());
        assertEquals(new BigDecimal("3"), first.items().get(1).quantity());
        assertEquals("CT", first.items().get(1).unit());
    }

    @Test
    void takes_master_bill_destination_and_mode_from_the_header_unless_the_consignment_has_its_own() {
        List<ShipmentRecord> records = shipments("valid/three-house-consignments.edi");
        assertEquals("176-55500011", records.get(0).masterTransportDocId());
        assertEquals("DE", records.get(0).destinationCountry());
        assertEquals("176-55500099", records.get(1).masterTransportDocId());
        assertEquals("FR", records.get(1).destinationCountry());
        assertEquals("CN", records.get(1).exportCountry());
        assertEquals(TransportMode.AIR, records.get(2).transportMode());
    }

    @Test
    void reads_an_aeo_id_only_from_a_mutually_agreed_party_id() {
        List<ShipmentRecord> records = shipments("valid/three-house-consignments.edi");
        assertEquals("CN2234567890", records.get(0).seller().aeoId());
        assertNull(records.get(1).seller().aeoId(), "a GLN (agency 9) is no AEO id");
        assertEquals("DE1234567890123", records.get(2).buyer().aeoId());
        assertEquals("DE123456789", records.get(2).buyer().tin());
        assertNull(records.get(2).seller().tin());
    }

    @Test
    void ignores_parties_references_and_measures_the_record_does_not_hold() {
        ShipmentRecord record = (ShipmentRecord) records(sampleWith(
                        "NAD+CN+++Anna Schmidt+Hauptstr. 5+Berlin++10115+DE'",
                        "NAD+NI+++Notify Party Ltd'",
                        "CTA+IC+:Ms Wu'",
                        "RFF+FC:NOTIFY-TIN'",
                        "RFF+AAS:BOOKING-1'",
                        "MEA+AAE+AAW+MTQ:0.02'"))
                .get(0);
        ShipmentRecord sample = shipments("valid/formats-sample.edi").get(0);
        assertEquals(sample.recordVersion(), record.recordVersion());
        assertNull(record.buyer().tin());
    }

    @Test
    void honours_a_service_string_advice_that_changes_every_separator_across_two_messages() {
        List<ShipmentRecord> records = shipments("valid/custom-separators-two-messages.edi");
        assertEquals(2, records.size());
        ShipmentRecord sea = records.get(0);
        assertEquals("Smith * Sons | Co! Ltd", sea.seller().name());
        assertEquals("14.250", sea.items().get(0).grossMassKg());
        assertEquals("120.00", sea.items().get(0).value());
        assertEquals(TransportMode.SEA, sea.transportMode());
        ShipmentRecord rail = records.get(1);
        assertEquals("Xi'an Rail Export", rail.seller().name());
        assertEquals(TransportMode.RAIL, rail.transportMode());
    }

    @Test
    void decodes_a_unoy_interchange_as_utf8() {
        ShipmentRecord record = shipments("valid/unoy-utf8-syntax-4.edi").get(0);
        assertEquals("深圳光明出口有限公司", record.seller().name());
        assertEquals("Łukasz Żółw", record.buyer().name());
        assertEquals("Tea (龙井)", record.items().get(0).description());
        assertEquals(new BigDecimal("0.5"), record.items().get(0).quantity());
        assertEquals("0.55", record.items().get(0).grossMassKg());
    }

    @Test
    void rejects_a_segment_that_the_interchange_ends_inside() {
        assertEquals(
                List.of(error("segment 24 (UNZ)", "is not terminated: the interchange ends inside it")),
                errors(translate("invalid/unterminated-segment.edi")));
    }

    @Test
    void rejects_a_release_character_that_escapes_the_last_segment_terminator() {
        assertEquals(
                List.of(error(
                        "segment 24 (UNZ)",
                        "is not terminated: the release character ? at the end escapes the segment terminator '")),
                errors(translate("invalid/broken-release-character.edi")));
    }

    @Test
    void rejects_an_interchange_without_its_trailer() {
        assertEquals(
                List.of(error("segment 23 (UNT)", "is the last segment: the interchange ends without its trailer UNZ")),
                errors(translate("invalid/missing-interchange-trailer.edi")));
    }

    @Test
    void rejects_a_message_whose_segment_count_is_wrong() {
        assertEquals(
                List.of(error("segment 23 (UNT), element 1", "says 20 segments but the message has 21 (UNH to UNT)")),
                errors(translate("invalid/unt-segment-count-wrong.edi")));
    }

    @Test
    void rejects_a_message_that_is_not_cuscar() {
        assertEquals(
                List.of(error(
                        "segment 24 (UNH), element 2, component 1",
                        "is IFTMIN: an edifact-cuscar interchange holds CUSCAR messages only")),
                errors(translate("invalid/not-cuscar-message.edi")));
    }

    @Test
    void rejects_a_cuscar_of_a_directory_before_d01b() {
        assertEquals(
                List.of(error("segment 3 (UNH), element 2, component 3", "must be directory release 01B or later")),
                errors(translate("invalid/directory-before-d01b.edi")));
    }

    @Test
    void rejects_a_consignment_without_house_bill() {
        assertEquals(
                List.of(error("segment 6 (CNI)", "starts a consignment without house bill (RFF+BH)")),
                errors(translate("invalid/missing-house-bill.edi")));
    }

    @Test
    void rejects_an_hs_code_of_fewer_than_six_digits() {
        assertEquals(
                List.of(error("segment 18 (PIA), element 2, component 1", "must be a string of 6 to 10 digits")),
                errors(translate("invalid/hs-code-too-short.edi")));
    }

    @Test
    void rejects_a_service_string_advice_with_the_same_separator_twice() {
        assertEquals(
                List.of(error(
                        "segment 1 (UNA)",
                        "must give distinct component separator, element separator, "
                                + "release character and segment terminator, each an ASCII punctuation character")),
                errors(translate("invalid/bad-service-string-advice.edi")));
    }

    @Test
    void rejects_a_segment_that_cuscar_does_not_have() {
        assertEquals(
                List.of(
                        error(
                                "segment 16 (GID)",
                                "starts a goods item without quantity (QTY+1, or the number of packages in GID)"),
                        error("segment 19 (XYZ)", "is an unknown segment: XYZ is not a segment of the CUSCAR message")),
                errors(translate("invalid/unknown-segment.edi")));
    }

    @Test
    void rejects_a_goods_item_segment_outside_a_goods_item() {
        assertEquals(
                List.of(error("segment 7 (PIA)", "is misplaced: PIA belongs to a goods item, after GID")),
                errors(translate("invalid/misplaced-segment.edi")));
    }

    @Test
    void rejects_goods_of_one_consignment_in_two_currencies() {
        assertEquals(
                List.of(error(
                        "segment 27 (MOA), element 1, component 3",
                        "is USD but segment 21 (MOA) is EUR: all goods of a consignment are in one currency")),
                errors(translate("invalid/mixed-currencies.edi")));
    }

    @Test
    void rejects_the_same_house_bill_twice() {
        assertEquals(
                List.of(error(
                        "segment 24 (RFF), element 1, component 2",
                        "repeats the house bill of segment 7 (RFF): each house consignment is reported once")),
                errors(translate("invalid/duplicate-house-bill.edi")));
    }

    @Test
    void rejects_a_gross_weight_that_is_not_in_kilograms() {
        assertEquals(
                List.of(error("segment 20 (MEA), element 3, component 1", "must be KGM: gross weight is in kilograms")),
                errors(translate("invalid/gross-weight-not-in-kilograms.edi")));
    }

    @Test
    void rejects_a_character_set_it_does_not_support() {
        assertEquals(
                List.of(error(
                        "segment 2 (UNB), element 1, component 1",
                        "is not a supported syntax identifier: "
                                + "UNOA, UNOB (ASCII), UNOC (ISO-8859-1), UNOW or UNOY (UTF-8)")),
                errors(translate("invalid/unsupported-character-set.edi")));
    }

    @Test
    void rejects_bytes_that_are_not_utf8_in_a_unoy_interchange() {
        assertEquals(
                List.of(error(
                        "segment 13 (NAD), element 4, component 1",
                        "is not valid UTF-8, which syntax identifier UNOY declares")),
                errors(translate("invalid/invalid-utf8-in-unoy.edi")));
    }

    @Test
    void reports_every_error_of_every_consignment_in_document_order() {
        String fallback = " in its CNI group or in the message header)";
        assertEquals(
                List.of(
                        error("segment 30 (NAD), element 4, component 1", "is required"),
                        error("segment 30 (NAD), element 9", "must be an ISO 3166-1 alpha-2 country code"),
                        error("segment 33 (GID), element 1", "must be a goods item number from 1 to 99999"),
                        error(
                                "segment 38 (MOA), element 1, component 2",
                                "must be an unsigned decimal number such as 59.80"),
                        error("segment 38 (MOA), element 1, component 3", "must be an ISO 4217 currency code"),
                        error("segment 39 (LOC), element 2, component 1", "must be an ISO 3166-1 alpha-2 country code"),
                        error("segment 40 (CNI)", "starts a consignment without export country (LOC+35" + fallback),
                        error(
                                "segment 44 (NAD), element 2, component 1",
                                "must be 4 to 35 characters A-Z or 0-9 starting with an ISO 3166-1 alpha-2 "
                                        + "country code"),
                        error(
                                "segment 46 (TDT), element 3, component 1",
                                "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), 3 (road), 4 (air) "
                                        + "or 5 (post)"),
                        error("segment 48 (GID)", "starts a goods item without description (FTX+AAA)"),
                        error(
                                "segment 48 (GID)",
                                "starts a goods item without quantity (QTY+1, or the number of packages in GID)")),
                errors(translate("invalid/several-bad-consignments.edi")));
    }

    @Test
    void rejects_a_data_element_longer_than_the_parser_reads_without_running_out_of_memory() {
        String document = sampleText().replace("Bluetooth headphones", "x".repeat(100_000));
        assertEquals(
                List.of(error("segment 17 (FTX)", "has a data element longer than 4096 characters")),
                errors(translate(document, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void rejects_a_data_element_longer_than_any_cuscar_element() {
        String document = sampleText().replace("Bluetooth headphones", "x".repeat(600));
        assertEquals(
                List.of(error("segment 17 (FTX), element 4, component 1", "is longer than 512 characters")),
                errors(translate(document, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void rejects_control_characters_in_text() {
        String document = sampleText().replace("Anna Schmidt", "Anna\u0000Schmidt");
        assertEquals(
                List.of(error(
                        "segment 13 (NAD), element 4, component 1",
                        "holds the control character U+0000, which EDIFACT text does not allow")),
                errors(translate(document, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void lists_at_most_a_thousand_errors() {
        String document = sampleText().replace("GID+1'", "PCI+1'\n".repeat(2000) + "GID+1'");
        List<LocatedError> errors = errors(translate(document, StandardCharsets.ISO_8859_1));
        assertEquals(EdifactErrors.MAX_ERRORS + 1, errors.size());
        assertEquals(
                error("document", "more than 1000 errors; the rest are not listed"), errors.get(errors.size() - 1));
    }

    @Test
    void rejects_a_segment_tag_of_more_than_three_characters_and_stops_reading_there() {
        String document = sampleText().replace("QTY+1:2:PCE", "QTYX+1:2:PCE");
        assertEquals(
                List.of(error(
                        "segment 19 (QTYX)",
                        "is not a segment: a segment starts with a tag of three letters or digits")),
                errors(translate(document, StandardCharsets.ISO_8859_1)));
    }

    @Test
    void rejects_content_after_the_interchange_trailer() {
        assertEquals(
                List.of(error(
                        "segment 25 (junk)", "follows the interchange trailer UNZ: a document holds one interchange")),
                errors(translate(sampleText() + "junk", StandardCharsets.ISO_8859_1)));
        assertEquals(
                List.of(
                        error("segment 25 (UNB)", "starts a second interchange: a document holds one interchange"),
                        error("segment 26 (UNZ)", "comes where segment UNH is missing")),
                errors(translate(
                        sampleText() + "UNB+UNOC:3+A+B+261128:0600+R2'UNZ+0+R2'", StandardCharsets.ISO_8859_1)));
    }

    @Test
    void rejects_a_document_that_is_not_an_interchange() {
        assertEquals(List.of(error("document", "is empty")), errors(translate(" \r\n", StandardCharsets.US_ASCII)));
        assertEquals(
                List.of(error(
                        "segment 1 (hello)",
                        "is not the interchange header: an interchange starts with UNB, after an optional UNA")),
                errors(translate("hello", StandardCharsets.US_ASCII)));
    }

    @Test
    void never_throws_on_truncated_or_corrupted_interchanges() {
        Random random = new Random(20261128L); // fixed seed: the same corruptions on every run
        for (String fixture :
                List.of("formats-sample.edi", "custom-separators-two-messages.edi", "unoy-utf8-syntax-4.edi")) {
            byte[] valid = Fixtures.bytes(FOLDER + "/valid/" + fixture);
            for (int length = 0; length < valid.length; length++) {
                assertNamesItsErrors(TRANSLATOR.translate(Arrays.copyOf(valid, length), Fixtures.CONTEXT));
            }
            for (int round = 0; round < 500; round++) {
                byte[] corrupted = valid.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    corrupted[random.nextInt(corrupted.length)] = (byte) random.nextInt(256);
                }
                Translators.standard().recognise(corrupted);
                assertNamesItsErrors(TRANSLATOR.translate(corrupted, Fixtures.CONTEXT));
            }
        }
    }

    private static void assertNamesItsErrors(Translation translation) {
        if (translation instanceof Translation.Invalid invalid) {
            assertFalse(invalid.errors().isEmpty(), "an invalid translation names its errors");
        }
    }

    @Test
    void translates_concurrently_with_the_same_results_as_one_at_a_time() throws Exception {
        List<String> fixtures = List.of(
                "valid/formats-sample.edi",
                "valid/three-house-consignments.edi",
                "valid/unoy-utf8-syntax-4.edi",
                "invalid/several-bad-consignments.edi");
        List<Translation> sequential =
                fixtures.stream().map(EdifactCuscarTranslatorTest::translate).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Translation>>> runs = new ArrayList<>();
            for (int run = 0; run < 16; run++) {
                runs.add(pool.submit(() -> fixtures.stream()
                        .map(EdifactCuscarTranslatorTest::translate)
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
    void is_the_standard_translator_of_edifact_cuscar() {
        assertTrue(Translators.standard().supports(DocumentFormat.EDIFACT_CUSCAR));
        List<CanonicalRecord> viaRegistry = records(translate("valid/formats-sample.edi"));
        assertEquals(DocumentFormat.EDIFACT_CUSCAR, TRANSLATOR.format());
        assertEquals(
                viaRegistry,
                records(TRANSLATOR.translate(Fixtures.bytes(FOLDER + "/valid/formats-sample.edi"), Fixtures.CONTEXT)));
    }
}
