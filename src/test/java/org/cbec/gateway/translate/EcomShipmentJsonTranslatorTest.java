package org.cbec.gateway.translate;

import static org.cbec.gateway.translate.Fixtures.error;
import static org.cbec.gateway.translate.Fixtures.errors;
import static org.cbec.gateway.translate.Fixtures.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cbec.gateway.canonical.ShipmentItem;
import org.cbec.gateway.canonical.ShipmentRecord;
import org.cbec.gateway.canonical.TransportMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ecom-shipment-json}: single shipments and batches, errors located by JSON pointer. */
class EcomShipmentJsonTranslatorTest {

    private static final String TRANSPORT_MODE_RULE =
            "must be a UN/ECE Recommendation 19 code: 1 (sea), 2 (rail), 3 (road), 4 (air) or 5 (post)";

    private static Translation translate(String fixture) {
        return Fixtures.translate(DocumentFormat.ECOM_SHIPMENT_JSON, "ecom-shipment-json/invalid/" + fixture);
    }

    private static ShipmentRecord sample() {
        return (ShipmentRecord) records(Fixtures.translate(
                        DocumentFormat.ECOM_SHIPMENT_JSON, "ecom-shipment-json/valid/formats-sample.json"))
                .get(0);
    }

    private static Translation translateWithTransportMode(String json) {
        String document = new String(
                        Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json"), StandardCharsets.UTF_8)
                .replace("\"transportMode\":\"4\"", "\"transportMode\":" + json);
        return new EcomShipmentJsonTranslator().translate(document.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT);
    }

    @Test
    void rejects_an_hs_code_of_fewer_than_six_digits() {
        assertEquals(
                List.of(error("/goods/0/hsCode", "must be a string of 6 to 10 digits")),
                errors(translate("hs-code-too-short.json")));
    }

    @Test
    void rejects_a_shipment_without_waybill_number() {
        assertEquals(List.of(error("/waybillNo", "is required")), errors(translate("missing-waybill.json")));
    }

    @Test
    void rejects_goods_in_more_than_one_currency() {
        assertEquals(
                List.of(error(
                        "/goods/1/price/currency",
                        "is USD but /goods/0/price/currency is EUR: all goods of a shipment are in one currency")),
                errors(translate("mixed-currencies.json")));
    }

    @Test
    void rejects_a_batch_with_the_same_waybill_twice() {
        assertEquals(
                List.of(error("/shipments/2/waybillNo", "repeats the waybillNo of /shipments/0")),
                errors(translate("duplicate-waybill-in-batch.json")));
    }

    @Test
    void reports_every_bad_field_of_a_batch_by_json_pointer() {
        assertEquals(
                List.of(
                        error("/shipments/1/seller/name", "is required"),
                        error(
                                "/shipments/1/seller/aeoCode",
                                "must be 4 to 35 characters A-Z or 0-9 starting with an ISO 3166-1 alpha-2 country code"),
                        error("/shipments/1/buyer/name", "is required"),
                        error("/shipments/1/buyer/address/countryCode", "must be an ISO 3166-1 alpha-2 country code"),
                        error("/shipments/1/goods/0/hsCode", "must be a string of 6 to 10 digits"),
                        error("/shipments/1/goods/0/qty", "must be greater than zero"),
                        error(
                                "/shipments/1/goods/0/price/amount",
                                "must be a decimal number (a JSON number or a string such as \"59.80\")"),
                        error("/shipments/1/goods/1/itemNo", "repeats the itemNo of /shipments/1/goods/0"),
                        error("/shipments/1/goods/1/hsCode", "must be a string of 6 to 10 digits"),
                        error("/shipments/1/goods/1/qty", "must be a JSON number"),
                        error("/shipments/1/goods/1/grossWeightKg", "must not be negative"),
                        error("/shipments/1/goods/1/price/currency", "must be an ISO 4217 currency code"),
                        error("/shipments/1/goods/1/origin", "must be an ISO 3166-1 alpha-2 country code"),
                        error("/shipments/1/transportMode", TRANSPORT_MODE_RULE)),
                errors(translate("several-bad-goods-in-batch.json")));
    }

    @Test
    void rejects_a_transport_mode_that_is_not_a_rec19_code() {
        assertEquals(
                List.of(error("/transportMode", TRANSPORT_MODE_RULE)),
                errors(translate("transport-mode-unknown.json")));
        assertEquals(List.of(error("/transportMode", TRANSPORT_MODE_RULE)), errors(translateWithTransportMode("4.0")));
        assertEquals(
                List.of(error("/transportMode", TRANSPORT_MODE_RULE)), errors(translateWithTransportMode("\"04\"")));
        assertEquals(List.of(error("/transportMode", "is required")), errors(translateWithTransportMode("null")));
    }

    @Test
    void accepts_a_transport_mode_as_string_or_number() {
        assertEquals(TransportMode.AIR, sample().transportMode());
        for (TransportMode mode : TransportMode.values()) {
            ShipmentRecord record = (ShipmentRecord)
                    records(translateWithTransportMode(mode.rec19Code())).get(0);
            assertEquals(mode, record.transportMode());
        }
    }

    @Test
    void rejects_a_duplicate_key_instead_of_keeping_the_last_value() {
        assertEquals(
                List.of(error("line 5, column 53", "invalid JSON: Duplicate field 'amount'")),
                errors(translate("duplicate-key.json")));
    }

    @Test
    void rejects_nesting_deeper_than_64_levels() {
        assertEquals(
                List.of(error("line 1, column 132", "Document nesting depth (65) exceeds the maximum allowed (64)")),
                errors(translate("deeply-nested.json")));
    }

    @Test
    void rejects_numbers_longer_than_100_digits() {
        assertEquals(
                List.of(error("line 8, column 215", "Number value length (150) exceeds the maximum allowed (100)")),
                errors(translateWithTransportMode("1".repeat(150))));
    }

    @Test
    void rejects_an_amount_whose_exponent_would_make_a_huge_decimal_string() {
        String document = new String(
                        Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json"), StandardCharsets.UTF_8)
                .replace("\"amount\":59.80", "\"amount\":1e999999999");
        assertEquals(
                List.of(error(
                        "/goods/0/price/amount", "must have at most 30 digits before and after the decimal point")),
                errors(new EcomShipmentJsonTranslator()
                        .translate(document.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT)));
    }

    @Test
    void rejects_an_amount_whose_exponent_no_decimal_can_hold() {
        // Within the number-length limit, but 99,999,990,001 is beyond a decimal's scale: Jackson threw, the gateway
        // answered 500.
        String document = new String(
                        Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json"), StandardCharsets.UTF_8)
                .replace("\"amount\":59.80", "\"amount\":1e99999990001");
        List<LocatedError> errors = errors(new EcomShipmentJsonTranslator()
                .translate(document.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT));
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(
                "a number out of range (its exponent is beyond what a decimal can hold)",
                errors.get(0).message());
        assertTrue(errors.get(0).location().startsWith("line "), errors.get(0).location());
    }

    @Test
    void rejects_amounts_and_quantities_whose_exponent_is_near_the_largest_int() {
        // 1e2147483647 is a decimal (scale -2147483647), but precision minus scale overflowed an int: the range check
        // passed and the plain form of the number (2^31 digits) then failed the gateway with a 500.
        String document = new String(
                        Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json"), StandardCharsets.UTF_8)
                .replace("\"amount\":59.80", "\"amount\":1e2147483647")
                .replace("\"qty\":2", "\"qty\":1e2147483600");
        assertEquals(
                List.of(
                        error("/goods/0/qty", "must have at most 30 digits before and after the decimal point"),
                        error(
                                "/goods/0/price/amount",
                                "must have at most 30 digits before and after the decimal point")),
                errors(new EcomShipmentJsonTranslator()
                        .translate(document.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT)));
    }

    /** Exponents at and beyond the edges of a decimal's scale, in every numeric field: a located error, never an exception. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "1e2147483647",
                "1e+2147483647",
                "-1e2147483647",
                "9.999e2147483647",
                "1e2147483648",
                "1e-2147483647",
                "1e-2147483648",
                "0e2147483647",
                "0e-2147483647",
                "1e99999990001",
                "1e-99999990001"
            })
    void refuses_numbers_at_the_edges_of_a_decimal_with_a_located_error(String number) {
        String sample =
                new String(Fixtures.bytes("ecom-shipment-json/valid/formats-sample.json"), StandardCharsets.UTF_8);
        for (String field : List.of("\"qty\":2", "\"grossWeightKg\":0.45", "\"amount\":59.80")) {
            String name = field.substring(1, field.indexOf('"', 1));
            String document = sample.replace(field, "\"" + name + "\":" + number);
            List<LocatedError> errors = errors(new EcomShipmentJsonTranslator()
                    .translate(document.getBytes(StandardCharsets.UTF_8), Fixtures.CONTEXT));
            assertTrue(
                    errors.stream()
                            .anyMatch(e -> e.location().endsWith("/" + name)
                                    || e.location().startsWith("line ")),
                    name + "=" + number + ": " + errors);
        }
    }

    @Test
    void rejects_an_empty_batch_and_a_root_that_is_not_an_object() {
        assertEquals(
                List.of(error("/shipments", "must hold at least one shipment")),
                errors(translate("no-shipments.json")));
        assertEquals(List.of(error("document", "must be a JSON object")), errors(translate("root-is-array.json")));
    }

    @Test
    void keeps_decimals_exact_as_strings() {
        ShipmentItem item = sample().items().get(0);
        assertEquals("59.80", item.value());
        assertEquals("0.45", item.grossMassKg());
        assertEquals(new BigDecimal("2"), item.quantity());
        assertEquals("59.80", sample().totalValue());
    }

    @Test
    void sums_item_values_exactly_whatever_form_the_amounts_were_sent_in() {
        List<?> records = records(Fixtures.translate(
                DocumentFormat.ECOM_SHIPMENT_JSON, "ecom-shipment-json/valid/batch-mixed-amount-forms.json"));
        ShipmentRecord first = (ShipmentRecord) records.get(0);
        assertEquals(
                List.of("59.80", "0.5", "10"),
                first.items().stream().map(ShipmentItem::value).toList());
        assertEquals("70.30", first.totalValue());
        assertEquals(new BigDecimal("1.50"), first.items().get(1).quantity());
        ShipmentRecord second = (ShipmentRecord) records.get(1);
        assertEquals("0.080", second.items().get(0).grossMassKg());
        assertEquals("3.00", second.totalValue());
        assertEquals("SEK", second.currency());
    }

    @Test
    void leaves_absent_buyer_ids_and_mutual_recognition_null() {
        ShipmentRecord record = sample();
        assertNull(record.buyer().tin());
        assertNull(record.buyer().aeoId());
        assertNull(record.mutualRecognition());
        assertEquals("CN1234567890", record.seller().aeoId());
        assertEquals("CN-GACC:784-12345675", record.recordId());
    }
}
