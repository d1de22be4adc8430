package org.cbec.gateway.canonical;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The canonical records: JSON shape and order of FORMATS.md, business keys and versions. */
class CanonicalRecordsTest {

    private static final ObjectMapper MAPPER = CanonicalJson.mapper();
    private static final RecordSource CSV = new RecordSource("CN-GACC", "01JDMESSAGE1", "aeo-status-csv");
    private static final RecordSource JSON = new RecordSource("CN-GACC", "01JDMESSAGE2", "aeo-status-json");
    private static final RecordSource SHIPMENT_JSON = new RecordSource("CN-GACC", "01JDMESSAGE3", "ecom-shipment-json");

    private static AeoStatusRecord statement(RecordSource source, String city) {
        return AeoStatusRecord.create(
                source,
                "CN1234567890",
                "Shenzhen Bright Export Co. Ltd",
                new Address("88 Keji Road", city, "518057", "CN"),
                "AEO",
                AeoStatus.ACTIVE,
                LocalDate.parse("2019-05-01"),
                null,
                Instant.parse("2019-05-01T00:00:00Z"),
                null);
    }

    private static ShipmentItem item(int seq, String value, String currency) {
        return new ShipmentItem(
                seq, "Bluetooth headphones", "851830", new BigDecimal("1.50"), "PCE", "0.45", value, currency, "CN");
    }

    private static ShipmentRecord shipment(List<ShipmentItem> items) {
        return ShipmentRecord.create(
                SHIPMENT_JSON,
                "784-12345675",
                "784-00000011",
                "PLAT-CN-001",
                "SO-99812",
                new Party(
                        "Shenzhen Bright Export Co. Ltd",
                        "91440300MA5F",
                        "CN1234567890",
                        new Address("88 Keji Road", "Shenzhen", "518057", "CN")),
                new Party("Anna Schmidt", null, null, new Address("Hauptstr. 5", "Berlin", "10115", "DE")),
                items,
                "CN",
                "DE",
                TransportMode.AIR);
    }

    @Test
    void writes_an_aeo_status_record_in_the_field_order_of_formats_md_with_nulls() throws Exception {
        assertEquals(
                "{\"recordType\":\"AEO_STATUS\",\"recordId\":\"CN-GACC:CN1234567890:2019-05-01T00:00:00Z\","
                        + "\"recordVersion\":\"a41c9e84801a0a5e\",\"sourcePartner\":\"CN-GACC\","
                        + "\"sourceMessageId\":\"01JDMESSAGE1\",\"sourceFormat\":\"aeo-status-csv\","
                        + "\"aeoId\":\"CN1234567890\",\"operatorName\":\"Shenzhen Bright Export Co. Ltd\","
                        + "\"address\":{\"line\":\"88 Keji Road\",\"city\":\"Shenzhen\",\"postcode\":\"518057\","
                        + "\"country\":\"CN\"},\"programme\":\"AEO\",\"status\":\"ACTIVE\",\"validFrom\":\"2019-05-01\","
                        + "\"validUntil\":null,\"statusChangedAt\":\"2019-05-01T00:00:00Z\",\"statusReason\":null}",
                MAPPER.writeValueAsString(statement(CSV, "Shenzhen")));
    }

    @Test
    void writes_a_shipment_record_in_the_field_order_of_formats_md_and_omits_absent_mutual_recognition()
            throws Exception {
        ShipmentRecord record = shipment(List.of(item(1, "59.80", "EUR")));
        String json = MAPPER.writeValueAsString(record);
        assertEquals(
                List.of(
                        "recordType",
                        "recordId",
                        "recordVersion",
                        "sourcePartner",
                        "sourceMessageId",
                        "sourceFormat",
                        "houseTransportDocId",
                        "masterTransportDocId",
                        "platformId",
                        "orderId",
                        "seller",
                        "buyer",
                        "items",
                        "totalValue",
                        "currency",
                        "exportCountry",
                        "destinationCountry",
                        "transportMode"),
                fieldNames(json));
        assertFalse(json.contains("mutualRecognition"));
        assertTrue(json.contains("\"quantity\":1.50,"), "BigDecimal keeps its scale: " + json);
        assertTrue(json.contains("\"buyer\":{\"name\":\"Anna Schmidt\",\"tin\":null,\"aeoId\":null,"), json);

        String withRecognition = MAPPER.writeValueAsString(record.withMutualRecognition(MutualRecognition.unknown()));
        assertTrue(
                withRecognition.endsWith(
                        "\"transportMode\":\"AIR\",\"mutualRecognition\":{\"sellerAeoStatus\":\"UNKNOWN\",\"benefit\":false}}"),
                withRecognition);
    }

    private static List<String> fieldNames(String json) throws Exception {
        return MAPPER.readTree(json).properties().stream()
                .map(java.util.Map.Entry::getKey)
                .toList();
    }

    @Test
    void reads_back_what_it_writes() throws Exception {
        AeoStatusRecord statement = statement(CSV, "Shenzhen");
        assertEquals(statement, MAPPER.readValue(MAPPER.writeValueAsString(statement), AeoStatusRecord.class));
        ShipmentRecord shipment = shipment(List.of(item(1, "59.80", "EUR")))
                .withMutualRecognition(MutualRecognition.of(AeoStatus.ACTIVE));
        assertEquals(shipment, MAPPER.readValue(MAPPER.writeValueAsString(shipment), ShipmentRecord.class));
    }

    @Test
    void gives_the_same_version_whatever_message_or_format_carried_the_content() {
        AeoStatusRecord fromCsv = statement(CSV, "Shenzhen");
        AeoStatusRecord fromJson = statement(JSON, "Shenzhen");
        assertEquals(fromCsv.recordVersion(), fromJson.recordVersion());
        assertEquals(fromCsv.idempotencyKey(), fromJson.idempotencyKey());
        assertTrue(fromCsv.recordVersion().matches("[0-9a-f]{16}"), fromCsv.recordVersion());
        assertEquals(fromCsv.recordVersion(), RecordVersion.of(fromCsv));
    }

    @Test
    void gives_another_version_when_a_business_field_changes() {
        assertNotEquals(
                statement(CSV, "Shenzhen").recordVersion(),
                statement(CSV, "Shenzhen ").recordVersion());
    }

    @Test
    void keeps_the_version_when_mutual_recognition_is_added() {
        ShipmentRecord record = shipment(List.of(item(1, "59.80", "EUR")));
        ShipmentRecord enriched = record.withMutualRecognition(MutualRecognition.of(AeoStatus.SUSPENDED));
        assertEquals(record.recordVersion(), enriched.recordVersion());
        assertEquals(record.recordVersion(), RecordVersion.of(enriched));
        assertEquals(new MutualRecognition("SUSPENDED", false), enriched.mutualRecognition());
    }

    @Test
    void sums_item_values_exactly_with_the_largest_scale() {
        ShipmentRecord record =
                shipment(List.of(item(1, "59.80", "EUR"), item(2, "0.005", "EUR"), item(3, "10", "EUR")));
        assertEquals("69.805", record.totalValue());
        assertEquals("EUR", record.currency());
        assertEquals("CN-GACC:784-12345675", record.recordId());
    }

    @Test
    void refuses_to_build_a_shipment_with_two_currencies_or_no_items() {
        assertThrows(
                IllegalArgumentException.class,
                () -> shipment(List.of(item(1, "59.80", "EUR"), item(2, "1.00", "USD"))));
        assertThrows(IllegalArgumentException.class, () -> shipment(List.of()));
    }

    @Test
    void grants_mutual_recognition_benefits_only_to_active_operators() {
        assertTrue(MutualRecognition.of(AeoStatus.ACTIVE).benefit());
        for (AeoStatus status : List.of(AeoStatus.SUSPENDED, AeoStatus.REVOKED, AeoStatus.WITHDRAWN)) {
            assertFalse(MutualRecognition.of(status).benefit(), status.name());
        }
        assertEquals(new MutualRecognition("UNKNOWN", false), MutualRecognition.unknown());
    }

    @Test
    void maps_rec19_codes_one_to_five_and_nothing_else() {
        assertEquals(Optional.of(TransportMode.SEA), TransportMode.ofRec19Code("1"));
        assertEquals(Optional.of(TransportMode.POST), TransportMode.ofRec19Code("5"));
        assertEquals(Optional.empty(), TransportMode.ofRec19Code("9"));
        assertEquals(Optional.empty(), TransportMode.ofRec19Code("04"));
    }

    @Test
    void refuses_a_record_type_that_does_not_match_the_record() {
        AeoStatusRecord valid = statement(CSV, "Shenzhen");
        assertThrows(
                IllegalArgumentException.class,
                () -> new AeoStatusRecord(
                        RecordType.ECOM_SHIPMENT,
                        valid.recordId(),
                        valid.recordVersion(),
                        valid.sourcePartner(),
                        valid.sourceMessageId(),
                        valid.sourceFormat(),
                        valid.aeoId(),
                        valid.operatorName(),
                        valid.address(),
                        valid.programme(),
                        valid.status(),
                        valid.validFrom(),
                        valid.validUntil(),
                        valid.statusChangedAt(),
                        valid.statusReason()));
    }
}
