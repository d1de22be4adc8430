package org.cbec.gateway.agreement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.NationalSystemStub;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-sharing agreements on the inbound side (CONTRACT.md §9), on the real app: what the partner's agreement does not
 * list is withheld from the national systems and named in the record, every record carries the legal basis, a partner
 * without an agreement is forwarded as before and flagged, and a changed agreement applies to the next message.
 */
class InboundAgreementTest {
    private static final String REFERENCE = "EU-CN MRA, JCCC Decision No 1/2014";

    @TempDir
    Path root;

    @Test
    void withholds_fields_outside_the_agreement_carries_the_legal_basis_and_applies_a_changed_agreement_at_once() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).with("gateway.reload.interval", "PT1H")) {
            writeCnGacc(
                    gateway,
                    REFERENCE,
                    "[houseTransportDocId, seller, buyer.address.country, items.hsCode, items.description, "
                            + "exportCountry, destinationCountry, transportMode]");
            gateway.start();
            Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
            byte[] signed = TestPki.signCms(shipment.bytes(), gateway.cnSigner);
            HttpResponse<String> accepted = gateway.postCms(signed);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

            JsonNode record = forwarded(gateway.national(), shipment.number());
            assertThat(record.path("legalBasis").asText()).isEqualTo(REFERENCE);
            assertThat(texts(record.path("withheldFields")))
                    .containsExactlyInAnyOrder(
                            "masterTransportDocId",
                            "platformId",
                            "orderId",
                            "buyer.name",
                            "buyer.address.line",
                            "buyer.address.city",
                            "buyer.address.postcode",
                            "items.seq",
                            "items.quantity",
                            "items.unit",
                            "items.grossMassKg",
                            "items.value",
                            "items.currency",
                            "items.originCountry",
                            "totalValue",
                            "currency");
            assertThat(record.has("masterTransportDocId")).isFalse();
            assertThat(record.path("buyer").has("name")).isFalse();
            assertThat(record.path("buyer").path("address").path("country").asText())
                    .isEqualTo("DE");
            assertThat(record.path("buyer").path("address").has("line")).isFalse();
            assertThat(record.path("seller").path("name").asText()).isEqualTo("Shenzhen Bright Export Co. Ltd");
            assertThat(record.path("items").get(0).path("hsCode").asText()).isEqualTo("851830");
            assertThat(record.path("items").get(0).has("value")).isFalse();
            assertThat(record.path("recordId").asText()).endsWith(shipment.number());
            assertThat(record.path("mutualRecognition").isObject()).isTrue();
            // The archive keeps the exact bytes the partner sent, withheld fields included, as evidence.
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("sha256")
                            .asText())
                    .isEqualTo(sha256Hex(signed));

            // The agreement changes: the very next message is forwarded under the new one.
            writeCnGacc(gateway, "Amended MRA 2027", "[\"*\"]");
            gateway.runtime().reloadConfiguration();
            Fixtures.Document next = Fixtures.load("valid/ecom-shipment.json");
            assertThat(gateway.postCms(TestPki.signCms(next.bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);
            JsonNode amended = forwarded(gateway.national(), next.number());
            assertThat(amended.path("legalBasis").asText()).isEqualTo("Amended MRA 2027");
            assertThat(amended.path("withheldFields").size()).isZero();
            assertThat(amended.path("buyer").path("name").asText()).isEqualTo("Anna Schmidt");

            JsonNode partners = gateway.getJson("/api/v1/partners").path("partners");
            JsonNode cn = partner(partners, "CN-GACC");
            assertThat(cn.path("withoutAgreement").asBoolean()).isFalse();
            assertThat(cn.path("agreement").path("reference").asText()).isEqualTo("Amended MRA 2027");
            assertThat(cn.path("agreement")
                            .path("inbound")
                            .path("ECOM_SHIPMENT")
                            .toString())
                    .isEqualTo("[\"*\"]");
        }
    }

    @Test
    void a_partner_without_an_agreement_is_forwarded_whole_without_a_legal_basis_and_flagged() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root).start()) {
            Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
            assertThat(gateway.postCms(TestPki.signCms(shipment.bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);

            JsonNode record = forwarded(gateway.national(), shipment.number());
            assertThat(record.has("legalBasis")).isFalse();
            assertThat(record.has("withheldFields")).isFalse();
            assertThat(record.path("buyer").path("name").asText()).isEqualTo("Anna Schmidt");
            JsonNode cn = partner(gateway.getJson("/api/v1/partners").path("partners"), "CN-GACC");
            assertThat(cn.path("withoutAgreement").asBoolean()).isTrue();
            assertThat(cn.path("agreement").isNull()).isTrue();
        }
    }

    @Test
    void an_aeo_status_record_whose_key_fields_are_withheld_is_still_forwarded_in_order() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root)) {
            GatewayUnderTest.write(
                    root.resolve("partners/CN-GACC.yaml"),
                    cnGacc(REFERENCE, "[\"*\"]").replace("AEO_STATUS: [\"*\"]", "AEO_STATUS: [status, programme]"));
            gateway.start();
            Fixtures.Document list = Fixtures.load("valid/aeo-status-3-rows.csv");
            assertThat(gateway.postCms(TestPki.signCms(list.bytes(), gateway.cnSigner))
                            .statusCode())
                    .isEqualTo(202);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.national().received().stream()
                                    .filter(r ->
                                            r.record().path("recordId").asText().contains(list.number()))
                                    .count()
                            == 3);
            List<JsonNode> records = gateway.national().received().stream()
                    .map(NationalSystemStub.Received::record)
                    .filter(r -> r.path("recordId").asText().contains(list.number()))
                    .toList();
            assertThat(records).allSatisfy(r -> {
                assertThat(r.has("aeoId")).isFalse();
                assertThat(r.has("operatorName")).isFalse();
                assertThat(r.path("status").asText()).isNotEmpty();
                assertThat(texts(r.path("withheldFields"))).contains("aeoId", "operatorName", "statusChangedAt");
                assertThat(r.path("legalBasis").asText()).isEqualTo(REFERENCE);
            });
        }
    }

    private static JsonNode forwarded(NationalSystemStub national, String number) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> national.received().stream()
                        .anyMatch(r -> r.record().path("recordId").asText().endsWith(number)));
        return national.received().stream()
                .map(NationalSystemStub.Received::record)
                .filter(r -> r.path("recordId").asText().endsWith(number))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode partner(JsonNode partners, String id) {
        for (JsonNode partner : partners) {
            if (id.equals(partner.path("id").asText())) {
                return partner;
            }
        }
        throw new AssertionError("no partner " + id + " in " + partners);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new java.util.ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private void writeCnGacc(GatewayUnderTest gateway, String reference, String shipmentFields) {
        GatewayUnderTest.write(gateway.root().resolve("partners/CN-GACC.yaml"), cnGacc(reference, shipmentFields));
    }

    private static String cnGacc(String reference, String shipmentFields) {
        return """
                id: CN-GACC
                name: General Administration of Customs of China
                country: CN
                trustAnchors:
                  - certs/cn-gacc-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS, ECOM_SHIPMENT]
                agreement:
                  reference: "%s"
                  inbound:
                    AEO_STATUS: ["*"]
                    ECOM_SHIPMENT: %s
                  outbound:
                    AEO_STATUS: [aeoId, operatorName, address, programme, status, validFrom, validUntil, statusChangedAt, statusReason]
                """.formatted(reference, shipmentFields);
    }
}
