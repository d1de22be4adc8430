package org.cbec.gateway.recognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mutual-recognition rules on the real gateway: per-operator order under concurrency, FULL-list
 * withdrawal, the benefit of a shipment fixed by the seller's status when it arrives, and record versions
 * forwarded once whatever message carries them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualRecognitionTest {
    private static final String HEADER =
            "aeo_id,operator_name,address_line,city,postcode,country,programme,status,valid_from,valid_until,status_changed_at,status_reason\n";
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.forward.consumers", "4")
                .start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void statements_about_one_operator_reach_the_national_system_in_status_order_whatever_the_concurrency()
            throws Exception {
        List<String> operators = List.of(newAeoId(), newAeoId(), newAeoId());
        // 20 messages, each with one statement per operator, at times shuffled across the messages.
        List<Integer> hours = new ArrayList<>();
        for (int hour = 0; hour < 20; hour++) {
            hours.add(hour);
        }
        Collections.shuffle(hours);
        List<byte[]> messages = new ArrayList<>();
        for (int hour : hours) {
            StringBuilder csv = new StringBuilder(HEADER);
            for (String operator : operators) {
                csv.append(row(
                        operator,
                        hour % 2 == 0 ? "ACTIVE" : "SUSPENDED",
                        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * hour)));
            }
            messages.add(TestPki.signCms(csv.toString().getBytes(StandardCharsets.UTF_8), gateway.cnSigner));
        }
        ExecutorService senders = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        for (byte[] message : messages) {
            answers.add(senders.submit(() -> gateway.postCms(message)));
        }
        List<String> messageIds = new ArrayList<>();
        for (Future<HttpResponse<String>> answer : answers) {
            assertThat(answer.get().statusCode()).isEqualTo(202);
            messageIds.add(GatewayUnderTest.json(answer.get()).path("messageId").asText());
        }
        senders.shutdown();

        for (String messageId : messageIds) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
        }
        for (String operator : operators) {
            List<Instant> seen = gateway.national().receivedWithKeyPrefix("CN-GACC:" + operator + ":").stream()
                    .map(r -> Instant.parse(r.record().path("statusChangedAt").asText()))
                    .toList();
            assertThat(seen)
                    .as("statements about %s in the order the national system saw them", operator)
                    .isSorted()
                    .isNotEmpty();
            assertThat(seen.get(seen.size() - 1)).isEqualTo(Instant.parse("2026-01-01T19:00:00Z"));
        }
    }

    @Test
    void a_full_list_withdraws_the_partners_operators_it_omits() {
        String kept = newAeoId();
        String dropped = newAeoId();
        send(HEADER
                + row(kept, "ACTIVE", Instant.parse("2025-01-01T00:00:00Z"))
                + row(dropped, "ACTIVE", Instant.parse("2025-01-01T00:00:00Z")));
        awaitForwarded("CN-GACC:" + dropped + ":", 1);

        String full = """
                {"documentType":"AEO_STATUS_LIST","administration":"CN","listType":"FULL","generatedAt":"2026-11-28T06:00:00Z",
                 "operators":[{"aeoId":"%s","name":"Kept Operator","address":{"line":"1 Road","city":"Shenzhen","postcode":"518057","country":"CN"},
                   "programme":"AEO","status":"ACTIVE","validFrom":"2019-05-01","validUntil":null,"statusChangedAt":"2025-01-01T00:00:00Z","statusReason":null}]}
                """.formatted(kept);
        HttpResponse<String> response = send(full);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        List<Received> droppedStatements = awaitForwarded("CN-GACC:" + dropped + ":", 2);
        JsonNode withdrawal = droppedStatements.stream()
                .map(Received::record)
                .filter(r -> r.path("status").asText().equals("WITHDRAWN"))
                .findFirst()
                .orElseThrow();
        assertThat(withdrawal.path("statusReason").asText()).contains("absent from the FULL list");
        // It repeats the operator's details as the partner last stated them (the CSV row above).
        assertThat(withdrawal.path("operatorName").asText()).isEqualTo("Operator " + dropped);
        assertThat(withdrawal.path("address").toString())
                .isEqualTo("{\"line\":\"1 Road\",\"city\":\"Shenzhen\",\"postcode\":\"518057\",\"country\":\"CN\"}");
        assertThat(withdrawal.path("programme").asText()).isEqualTo("AEO");
        assertThat(withdrawal.path("validFrom").asText()).isEqualTo("2019-05-01");
        assertThat(withdrawal.path("validUntil").isNull()).isTrue();
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:" + kept + ":"))
                .noneMatch(r -> r.record().path("status").asText().equals("WITHDRAWN"));
    }

    @Test
    void a_suspension_between_two_shipments_changes_the_benefit_of_the_second_only() {
        String seller = newAeoId();
        send(HEADER + row(seller, "ACTIVE", Instant.parse("2025-01-01T00:00:00Z")));
        String first = waybill();
        send(shipment(first, seller, "Bluetooth headphones"));
        send(HEADER + row(seller, "SUSPENDED", Instant.parse("2026-11-01T00:00:00Z")));
        String second = waybill();
        send(shipment(second, seller, "Bluetooth headphones"));

        JsonNode before = awaitForwarded("CN-GACC:" + first, 1).get(0).record().path("mutualRecognition");
        JsonNode after = awaitForwarded("CN-GACC:" + second, 1).get(0).record().path("mutualRecognition");

        assertThat(before.path("sellerAeoStatus").asText()).isEqualTo("ACTIVE");
        assertThat(before.path("benefit").asBoolean()).isTrue();
        assertThat(after.path("sellerAeoStatus").asText()).isEqualTo("SUSPENDED");
        assertThat(after.path("benefit").asBoolean()).isFalse();
    }

    @Test
    void a_shipment_from_a_seller_never_reported_is_unknown_without_benefit() {
        String waybill = waybill();
        send(shipment(waybill, newAeoId(), "Desk lamp"));

        JsonNode recognition =
                awaitForwarded("CN-GACC:" + waybill, 1).get(0).record().path("mutualRecognition");

        assertThat(recognition.path("sellerAeoStatus").asText()).isEqualTo("UNKNOWN");
        assertThat(recognition.path("benefit").asBoolean()).isFalse();
    }

    @Test
    void the_same_waybill_again_is_forwarded_only_when_its_content_changed() {
        String seller = newAeoId();
        String waybill = waybill();
        HttpResponse<String> first = send(shipment(waybill, seller, "Bluetooth headphones"));
        awaitForwarded("CN-GACC:" + waybill, 1);

        HttpResponse<String> sameContent = send(shipment(waybill, seller, "Bluetooth headphones") + " ");
        String unchangedId =
                GatewayUnderTest.json(sameContent).path("messageId").asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FORWARDED"
                        .equals(gateway.getJson("/api/v1/messages/" + unchangedId)
                                .path("status")
                                .asText()));
        HttpResponse<String> changed = send(shipment(waybill, seller, "Bluetooth headphones, black"));
        List<Received> versions = awaitForwarded("CN-GACC:" + waybill, 2);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(sameContent.statusCode())
                .as("new bytes, so a new message, not a duplicate")
                .isEqualTo(202);
        assertThat(changed.statusCode()).isEqualTo(202);
        assertThat(gateway.getJson("/api/v1/messages/" + unchangedId)
                        .path("recordList")
                        .get(0)
                        .path("deliveryStatus")
                        .asText())
                .isEqualTo("UNCHANGED");
        assertThat(versions)
                .extracting(r -> r.record().path("recordVersion").asText())
                .doesNotHaveDuplicates();
        assertThat(versions)
                .extracting(r -> r.record().path("recordId").asText())
                .containsOnly("CN-GACC:" + waybill);
    }

    private HttpResponse<String> send(String document) {
        return gateway.postCms(TestPki.signCms(document.getBytes(StandardCharsets.UTF_8), gateway.cnSigner));
    }

    private List<Received> awaitForwarded(String keyPrefix, int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national().receivedWithKeyPrefix(keyPrefix).size() >= count);
        return gateway.national().receivedWithKeyPrefix(keyPrefix);
    }

    private static String row(String aeoId, String status, Instant changedAt) {
        return aeoId + ",Operator " + aeoId + ",1 Road,Shenzhen,518057,CN,AEO," + status + ",2019-05-01,," + changedAt
                + ",\n";
    }

    private static String shipment(String waybill, String sellerAeoId, String description) {
        return """
                {"documentType":"ECOM_SHIPMENT","waybillNo":"%s","masterWaybillNo":"784-00000011",
                 "platform":{"id":"PLAT-CN-001","orderNo":"SO-1"},
                 "seller":{"name":"Seller","tin":"91440300MA5F","aeoCode":"%s","address":{"street":"1 Road","city":"Shenzhen","postcode":"518057","countryCode":"CN"}},
                 "buyer":{"name":"Anna Schmidt","address":{"street":"Hauptstr. 5","city":"Berlin","postcode":"10115","countryCode":"DE"}},
                 "goods":[{"itemNo":1,"description":"%s","hsCode":"851830","qty":1,"unit":"PCE","grossWeightKg":0.45,
                   "price":{"amount":59.80,"currency":"EUR"},"origin":"CN"}],
                 "exportCountry":"CN","destinationCountry":"DE","transportMode":"4"}""".formatted(waybill, sellerAeoId, description);
    }

    private static String newAeoId() {
        return "CN" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L);
    }

    private static String waybill() {
        return "784-" + ThreadLocalRandom.current().nextLong(10_000_000L, 99_999_999L);
    }
}
