package org.cbec.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.cbec.gateway.testing.CmsHttpsPartner;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every bad outbound request, one fixture each under messages/outbound/invalid/ named after its defect: a stable code,
 * the refusal archived (direction OUTBOUND) under the answer's messageId, and nothing sent to the partner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundRefusalsCatalogueTest {
    GatewayUnderTest gateway;
    CmsHttpsPartner partner;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root.resolve("gateway"));
        partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner);
        TestPki.writePem(root.resolve("partner-tls-ca.pem"), partner.tlsCa.certificate());
        GatewayUnderTest.write(root.resolve("gateway/partners/SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: Singapore Customs
                country: SG
                trustAnchors: [certs/sg-customs-ca.pem]
                revocation: none
                messageTypes: [AEO_STATUS]
                agreement:
                  reference: "MRA (TEST)"
                  inbound: {AEO_STATUS: ["*"]}
                  outbound: {AEO_STATUS: [aeoId, operatorName, address, programme, status, validFrom, validUntil, statusChangedAt, statusReason]}
                outbound: {transport: cms-https, url: "%s", format: aeo-status-xml}
                """.formatted(partner.url()));
        gateway.with(
                        "gateway.outbound.tls-anchors",
                        root.resolve("partner-tls-ca.pem").toString())
                .start();
    }

    @AfterAll
    void stop() {
        gateway.close();
        partner.close();
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource({
        "not-json.txt, 400, MALFORMED_MESSAGE, ",
        "records-missing.json, 422, SCHEMA_INVALID, ",
        "records-empty.json, 422, SCHEMA_INVALID, ",
        "record-not-an-object.json, 422, SCHEMA_INVALID, /records/0",
        "record-sets-its-own-record-id.json, 422, SCHEMA_INVALID, /records/0/recordId",
        "record-of-another-country.json, 422, SCHEMA_INVALID, /records/0/aeoId",
        "record-without-status-changed-at.json, 422, SCHEMA_INVALID, /records/0/statusChangedAt",
        "record-with-unknown-status.json, 422, SCHEMA_INVALID, /records/0/status",
        "record-with-field-outside-agreement.json, 422, AGREEMENT_VIOLATION, /records/0/internalRiskScore",
        "record-type-outside-agreement.json, 422, AGREEMENT_VIOLATION, /records/0",
        "record-of-unknown-type.json, 422, AGREEMENT_VIOLATION, /records/0/recordType"
    })
    void refuses_a_bad_outbound_request_with_its_code_archives_it_and_sends_nothing(
            String fixture, int status, String code, String where) {
        byte[] body = Fixtures.load("outbound/invalid/" + fixture).bytes();

        HttpResponse<String> answer = gateway.send(
                HttpRequest.newBuilder()
                        .header("Content-Type", "application/json")
                        .header("Authorization", GatewayUnderTest.basic("national", "national-demo"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                "/api/v1/outbound/SG-CUSTOMS");

        JsonNode problem = gateway.refusedAndArchived(answer, status, code);
        if (where != null) {
            assertThat(problem.path("errors").toString()).contains(where);
        }
        assertThat(gateway.getJson(
                                "/api/v1/messages/" + problem.path("messageId").asText())
                        .path("direction")
                        .asText())
                .isEqualTo("OUTBOUND");
        assertThat(partner.attempts()).isZero();
    }
}
