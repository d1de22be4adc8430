package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub.Received;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The way of one message, end to end on the real routes: a partner signs a document, the gateway
 * verifies, archives, answers 202 and forwards each record to the national system.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundSpineTest {
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void accepts_a_signed_aeo_status_csv_and_forwards_each_row_with_its_idempotency_key() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        HttpResponse<String> response = gateway.postCms(TestPki.signCms(csv.bytes(), gateway.cnSigner));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = GatewayUnderTest.json(response);
        assertThat(receipt.path("status").asText()).isEqualTo("ACCEPTED");
        assertThat(receipt.path("partner").asText()).isEqualTo("CN-GACC");
        assertThat(receipt.path("documentFormat").asText()).isEqualTo("aeo-status-csv");
        assertThat(receipt.path("records").asInt()).isEqualTo(3);
        assertThat(receipt.path("sha256").asText()).hasSize(64);

        List<Received> received = awaitRecords("CN-GACC:CN" + csv.number(), 3);
        Received suspended = received.stream()
                .filter(r -> r.record().path("aeoId").asText().endsWith("2"))
                .findFirst()
                .orElseThrow();
        JsonNode record = suspended.record();
        assertThat(suspended.path()).isEqualTo("/aeo");
        assertThat(record.path("recordType").asText()).isEqualTo("AEO_STATUS");
        assertThat(record.path("recordId").asText()).isEqualTo("CN-GACC:CN" + csv.number() + "2:2026-11-20T09:30:00Z");
        assertThat(record.path("recordVersion").asText()).matches("[0-9a-f]{16}");
        assertThat(suspended.idempotencyKey())
                .isEqualTo(record.path("recordId").asText() + ":"
                        + record.path("recordVersion").asText());
        assertThat(record.path("sourcePartner").asText()).isEqualTo("CN-GACC");
        assertThat(record.path("sourceMessageId").asText())
                .isEqualTo(receipt.path("messageId").asText());
        assertThat(record.path("operatorName").asText()).isEqualTo("Ningbo Harbour Trading, Ltd");
        assertThat(record.path("status").asText()).isEqualTo("SUSPENDED");
        assertThat(record.path("statusReason").asText()).isEqualTo("audit pending");
        assertThat(record.path("validUntil").isNull()).isTrue();
        assertThat(record.path("address").path("city").asText()).isEqualTo("Ningbo");
        Received chinese = received.stream()
                .filter(r -> r.record().path("aeoId").asText().endsWith("3"))
                .findFirst()
                .orElseThrow();
        assertThat(chinese.record().path("operatorName").asText()).isEqualTo("深圳市光明出口有限公司");

        awaitStatus(receipt.path("messageId").asText(), "FORWARDED");
    }

    @Test
    void accepts_a_signed_aeo_status_json_list() {
        Fixtures.Document json = Fixtures.load("valid/aeo-status-list.json");

        HttpResponse<String> response = gateway.postCms(TestPki.signCms(json.bytes(), gateway.cnSigner));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(GatewayUnderTest.json(response).path("documentFormat").asText())
                .isEqualTo("aeo-status-json");
        JsonNode record =
                awaitRecords("CN-GACC:CN" + json.number() + "7", 1).get(0).record();
        assertThat(record.path("operatorName").asText()).isEqualTo("Müller & Söhne Handels GmbH Shenzhen");
        assertThat(record.path("statusChangedAt").asText()).isEqualTo("2019-05-01T00:00:00Z");
    }

    @Test
    void accepts_an_ecom_shipment_and_the_message_becomes_forwarded() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");

        HttpResponse<String> response = gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        JsonNode receipt = GatewayUnderTest.json(response);
        assertThat(receipt.path("documentFormat").asText()).isEqualTo("ecom-shipment-json");
        Received received = awaitRecords("CN-GACC:784-" + shipment.number(), 1).get(0);
        assertThat(received.path()).isEqualTo("/shipments");
        JsonNode record = received.record();
        assertThat(record.path("recordType").asText()).isEqualTo("ECOM_SHIPMENT");
        assertThat(record.path("houseTransportDocId").asText()).isEqualTo("784-" + shipment.number());
        assertThat(record.path("sourceFormat").asText()).isEqualTo("ecom-shipment-json");
        assertThat(record.path("seller").path("aeoId").asText()).isEqualTo("CN1234567890");
        assertThat(record.path("buyer").path("address").path("line").asText()).isEqualTo("Hauptstr. 5");
        assertThat(record.path("items").get(0).path("value").asText()).isEqualTo("59.80");
        assertThat(record.path("items").get(0).path("grossMassKg").asText()).isEqualTo("0.45");
        assertThat(record.path("totalValue").asText()).isEqualTo("59.80");
        assertThat(record.path("transportMode").asText()).isEqualTo("AIR");

        JsonNode tracked = awaitStatus(receipt.path("messageId").asText(), "FORWARDED");
        assertThat(tracked.path("partner").asText()).isEqualTo("CN-GACC");
        assertThat(tracked.path("sha256").asText())
                .isEqualTo(receipt.path("sha256").asText());
        assertThat(tracked.path("recordList").get(0).path("deliveryStatus").asText())
                .isEqualTo("DELIVERED");
        assertThat(tracked.path("history").findValuesAsText("status")).containsExactly("ACCEPTED", "FORWARDED");
    }

    @Test
    void the_same_bytes_twice_are_a_duplicate_answered_with_the_first_receipt_and_forwarded_once() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
        byte[] signed = TestPki.signCms(shipment.bytes(), gateway.cnSigner);

        HttpResponse<String> first = gateway.postCms(signed);
        HttpResponse<String> second = gateway.postCms(signed);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode firstReceipt = GatewayUnderTest.json(first);
        JsonNode secondReceipt = GatewayUnderTest.json(second);
        assertThat(secondReceipt.path("status").asText()).isEqualTo("DUPLICATE");
        assertThat(secondReceipt.path("messageId").asText())
                .isEqualTo(firstReceipt.path("messageId").asText());
        assertThat(secondReceipt.path("receivedAt").asText())
                .isEqualTo(firstReceipt.path("receivedAt").asText());
        awaitStatus(firstReceipt.path("messageId").asText(), "FORWARDED");
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + shipment.number()))
                .hasSize(1);
    }

    /**
     * Issue 18 §2: a partner's retry signed again (here: the same shipment sent first as CMS, then over SOAP and as an
     * S/MIME message, each with a signature of its own) is the first message's duplicate, not a new message.
     */
    @Test
    void a_retry_signed_again_is_a_duplicate_answered_with_the_first_receipt_and_forwarded_once() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
        HttpResponse<String> first = gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String firstId = GatewayUnderTest.json(first).path("messageId").asText();

        org.cbec.gateway.testing.ContainerSigning.Signed smime =
                org.cbec.gateway.testing.ContainerSigning.smime(shipment.bytes(), gateway.cnSigner);
        HttpResponse<String> resigned = gateway.post(smime.path(), smime.body(), smime.contentType());
        org.cbec.gateway.testing.ContainerSigning.Signed soap =
                org.cbec.gateway.testing.ContainerSigning.soap(shipment.bytes(), gateway.cnSigner);
        HttpResponse<String> overSoap = gateway.post(soap.path(), soap.body(), soap.contentType());

        assertThat(resigned.statusCode()).as(resigned.body()).isEqualTo(200);
        assertThat(GatewayUnderTest.json(resigned).path("status").asText()).isEqualTo("DUPLICATE");
        assertThat(GatewayUnderTest.json(resigned).path("messageId").asText()).isEqualTo(firstId);
        assertThat(overSoap.statusCode())
                .as("SOAP answers 200 with its receipt")
                .isEqualTo(200);
        assertThat(overSoap.body()).contains(firstId).contains("DUPLICATE");
        awaitStatus(firstId, "FORWARDED");
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + shipment.number()))
                .hasSize(1);
    }

    @Test
    void a_record_the_national_system_refuses_twice_is_retried_and_delivered_once() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
        gateway.national().failNext(2);

        HttpResponse<String> response = gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner));

        assertThat(response.statusCode()).isEqualTo(202);
        String messageId = GatewayUnderTest.json(response).path("messageId").asText();
        JsonNode tracked = awaitStatus(messageId, "FORWARDED");
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:784-" + shipment.number()))
                .hasSize(1);
        assertThat(gateway.national().attempts().stream().filter(a -> a.contains("784-" + shipment.number())))
                .hasSize(3);
        assertThat(tracked.path("recordList").get(0).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void health_is_up_when_broker_database_and_routes_are() {
        HttpResponse<String> health = gateway.get("/health");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(GatewayUnderTest.json(health).path("status").asText()).isEqualTo("UP");
    }

    @Test
    void an_unknown_message_id_is_not_found_as_a_problem() {
        HttpResponse<String> response = gateway.get("/api/v1/messages/01JD0000000000000000000000");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(GatewayUnderTest.json(response).path("code").asText()).isEqualTo("NOT_FOUND");
    }

    private List<Received> awaitRecords(String recordIdPrefix, int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        gateway.national().receivedWithKeyPrefix(recordIdPrefix).size() >= count);
        List<Received> received = gateway.national().receivedWithKeyPrefix(recordIdPrefix);
        assertThat(received).hasSize(count);
        return received;
    }

    private JsonNode awaitStatus(String messageId, String status) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.getJson("/api/v1/messages/" + messageId)
                        .path("status")
                        .asText()
                        .equals(status));
        return gateway.getJson("/api/v1/messages/" + messageId);
    }
}
