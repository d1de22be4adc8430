package org.cbec.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.testing.CmsHttpsPartner;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * National data to a partner over CMS/HTTPS (CONTRACT.md §8), on the real app against a real HTTPS partner whose server
 * verifies the gateway's signature with Bouncy Castle. Scenario by scenario: a national system sends, the partner gets it
 * once; the same body again is a duplicate; a field outside the agreement is refused and nothing is sent; the partner is
 * down and comes back; the partner errors until the message is dead-lettered, an operator replays it, and it arrives once.
 */
class OutboundToPartnersTest {
    private static final String REFERENCE = "DE-SG MRA on AEO (TEST)";

    @TempDir
    Path root;

    /** Writes SG-CUSTOMS with an agreement and an outbound section towards {@code partner}, and starts the gateway. */
    private GatewayUnderTest start(GatewayUnderTest gateway, CmsHttpsPartner partner, String format, int maxAttempts) {
        TestPki.writePem(root.resolve("partner-tls-ca.pem"), partner.tlsCa.certificate());
        GatewayUnderTest.write(
                root.resolve("gateway/partners/SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: Singapore Customs
                country: SG
                trustAnchors:
                  - certs/sg-customs-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS]
                agreement:
                  reference: "%s"
                  inbound:
                    AEO_STATUS: ["*"]
                  outbound:
                    AEO_STATUS: [aeoId, operatorName, address.country, address.city, programme, status, validFrom, validUntil, statusChangedAt, statusReason]
                outbound:
                  transport: cms-https
                  url: %s
                  format: %s
                """.formatted(REFERENCE, partner.url(), format));
        return gateway.with(
                        "gateway.outbound.tls-anchors",
                        root.resolve("partner-tls-ca.pem").toString())
                .with("gateway.forward.max-attempts", String.valueOf(maxAttempts))
                .start();
    }

    @Test
    void
            a_national_system_sends_aeo_records_and_the_partner_receives_them_once_signed_in_its_format_with_the_legal_basis() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            start(gateway, partner, "aeo-status-csv", 5);
            String aeoId = aeoId();
            String body = records(
                    record(aeoId, "ACTIVE", "2026-12-01T08:00:00Z", null),
                    record(aeoId + "1", "SUSPENDED", "2026-12-02T08:00:00Z", "audit, pending"));

            HttpResponse<String> accepted = postOutbound(gateway, "SG-CUSTOMS", body, "national", "national-demo");

            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            JsonNode receipt = GatewayUnderTest.json(accepted);
            String messageId = receipt.path("messageId").asText();
            assertThat(receipt.path("direction").asText()).isEqualTo("OUTBOUND");
            assertThat(receipt.path("records").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.received()).hasSize(1);
            CmsHttpsPartner.Received got = partner.received().get(0);
            assertThat(got.legalBasis()).isEqualTo(REFERENCE);
            assertThat(got.signer()).contains("CN=Gateway Receipts");
            // The partner reads what it got with a reader of its format: the records, the gateway as their source.
            Translation read = Translators.standard()
                    .translate(
                            DocumentFormat.AEO_STATUS_CSV,
                            got.content(),
                            new TranslationContext("CBEC-GATEWAY", messageId, "DE"));
            assertThat(read).isInstanceOf(Translation.Records.class);
            List<CanonicalRecord> records = ((Translation.Records) read).records();
            assertThat(records).extracting(r -> ((AeoStatusRecord) r).aeoId()).containsExactly(aeoId, aeoId + "1");
            assertThat(((AeoStatusRecord) records.get(1)).statusReason()).isEqualTo("audit, pending");

            JsonNode tracked = gateway.getJson("/api/v1/messages/" + messageId);
            assertThat(tracked.path("direction").asText()).isEqualTo("OUTBOUND");
            assertThat(tracked.path("partner").asText()).isEqualTo("SG-CUSTOMS");
            assertThat(tracked.path("history").findValuesAsText("status"))
                    .contains("ACCEPTED", "DELIVERED", "FORWARDED");
            assertThat(tracked.path("history").toString()).contains("signed receipt verified");
            JsonNode sent = tracked.path("recordList").get(0).path("record");
            assertThat(sent.path("records"))
                    .allSatisfy(r -> assertThat(r.path("legalBasis").asText()).isEqualTo(REFERENCE));
            assertThat(sent.path("records").get(0).path("sourcePartner").asText())
                    .isEqualTo("CBEC-GATEWAY");
            assertThat(got.idempotencyKey())
                    .isEqualTo(tracked.path("recordList")
                            .get(0)
                            .path("idempotencyKey")
                            .asText());

            HttpResponse<String> again = postOutbound(gateway, "SG-CUSTOMS", body, "national", "national-demo");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(GatewayUnderTest.json(again).path("messageId").asText()).isEqualTo(messageId);
            assertThat(GatewayUnderTest.json(again).path("status").asText()).isEqualTo("DUPLICATE");

            JsonNode outbound =
                    gateway.getJson("/api/v1/outbound").path("partners").get(0);
            assertThat(outbound.path("partner").asText()).isEqualTo("SG-CUSTOMS");
            assertThat(outbound.path("delivered").asLong()).isEqualTo(1);
            assertThat(outbound.path("backlog").asLong()).isZero();
            assertThat(outbound.path("lastReceiptAt").isTextual()).isTrue();
            assertThat(gateway.get("/metrics").body()).contains("gateway_outbound_backlog{partner=\"SG-CUSTOMS\"}");
            assertThat(partner.received()).hasSize(1);
            assertThat(partner.refused()).isEmpty();
        }
    }

    @Test
    void a_field_outside_the_agreement_is_refused_listing_each_and_nothing_is_sent() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            start(gateway, partner, "aeo-status-json", 5);
            // The agreement lets the address's country and city cross, not its street or postcode.
            String body = records(record(aeoId(), "ACTIVE", "2026-12-01T08:00:00Z", null)
                    .replace("\"address\":{", "\"address\":{\"line\":\"Hafenstr. 1\",\"postcode\":\"20457\","));

            HttpResponse<String> refused = postOutbound(gateway, "SG-CUSTOMS", body, "national", "national-demo");

            JsonNode problem = gateway.refusedAndArchived(refused, 422, "AGREEMENT_VIOLATION");
            assertThat(problem.path("errors").toString())
                    .contains("/records/0/address/line", "/records/0/address/postcode");
            assertThat(problem.path("errors")).hasSize(2);
            assertThat(gateway.getJson("/api/v1/messages/"
                                    + problem.path("messageId").asText())
                            .path("direction")
                            .asText())
                    .isEqualTo("OUTBOUND");
            assertThat(partner.attempts()).isZero();
        }
    }

    @Test
    void only_a_national_systems_account_may_send_and_it_may_do_nothing_else() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            start(gateway, partner, "aeo-status-xml", 5);
            String body = records(record(aeoId(), "ACTIVE", "2026-12-01T08:00:00Z", null));

            assertThat(postOutbound(
                                    gateway,
                                    "SG-CUSTOMS",
                                    body,
                                    GatewayUnderTest.ADMIN,
                                    GatewayUnderTest.ADMIN_PASSWORD)
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> anonymous = gateway.send(
                    HttpRequest.newBuilder()
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)),
                    "/api/v1/outbound/SG-CUSTOMS");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("LOGIN_REQUIRED");
            assertThat(gateway.getAs("/api/v1/messages", "national", "national-demo")
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> unknown = postOutbound(gateway, "KR-KCS", body, "national", "national-demo");
            assertThat(unknown.statusCode()).isEqualTo(404);
            HttpResponse<String> noOutbound = postOutbound(gateway, "CN-GACC", body, "national", "national-demo");
            gateway.refusedAndArchived(noOutbound, 409, "OUTBOUND_NOT_CONFIGURED");
            HttpResponse<String> foreignAeoId = postOutbound(
                    gateway,
                    "SG-CUSTOMS",
                    records(record("CN1234567890", "ACTIVE", "2026-12-01T08:00:00Z", null)),
                    "national",
                    "national-demo");
            gateway.refusedAndArchived(foreignAeoId, 422, "SCHEMA_INVALID");
            assertThat(partner.attempts()).isZero();
        }
    }

    @Test
    void a_partner_down_for_a_while_gets_the_message_once_when_it_is_back() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            start(gateway, partner, "aeo-status-json", 50);
            partner.down();
            HttpResponse<String> accepted = postOutbound(
                    gateway,
                    "SG-CUSTOMS",
                    records(record(aeoId(), "ACTIVE", "2026-12-01T08:00:00Z", null)),
                    "national",
                    "national-demo");
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.getJson("/api/v1/messages/" + messageId)
                            .path("history")
                            .findValuesAsText("status")
                            .contains("DELIVERY_FAILED"));

            partner.up();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.received()).hasSize(1);
            assertThat(gateway.getJson("/api/v1/outbound")
                            .path("partners")
                            .get(0)
                            .path("failedAttempts")
                            .asLong())
                    .isPositive();
        }
    }

    @Test
    void a_partner_answering_errors_gets_retries_then_a_dead_letter_that_an_operator_replays_and_it_arrives_once() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.sgSigner)) {
            start(gateway, partner, "aeo-status-csv", 3);
            partner.erroring(true);
            HttpResponse<String> accepted = postOutbound(
                    gateway,
                    "SG-CUSTOMS",
                    records(record(aeoId(), "REVOKED", "2026-12-03T08:00:00Z", "fraud")),
                    "national",
                    "national-demo");
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.attempts()).isEqualTo(3);
            JsonNode letters = gateway.getJson("/api/v1/dead-letters?partner=SG-CUSTOMS");
            String letter = letters.path("deadLetters").get(0).path("id").asText();
            assertThat(letter).startsWith(messageId);
            assertThat(gateway.get("/metrics").body())
                    .contains("gateway_outbound_dead_letters{partner=\"SG-CUSTOMS\"} 1.0");

            partner.erroring(false);
            HttpResponse<String> replay = gateway.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + "/api/v1/dead-letters/"
                                    + letter + "/replay"))
                            .header(
                                    "Authorization",
                                    GatewayUnderTest.basic(GatewayUnderTest.ADMIN, GatewayUnderTest.ADMIN_PASSWORD))
                            .POST(HttpRequest.BodyPublishers.noBody()),
                    "/api/v1/dead-letters/" + letter + "/replay");
            assertThat(replay.statusCode()).as(replay.body()).isLessThan(300);

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.received()).hasSize(1);
            assertThat(partner.attempts()).isEqualTo(4);
        }
    }

    @Test
    void
            a_receipt_signed_by_a_key_outside_the_partners_anchors_is_kept_and_noted_unverified_and_a_replay_sends_nothing_again() {
        // The partner signs its receipts with a key of another administration's CA: not one of SG-CUSTOMS's anchors.
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                CmsHttpsPartner partner = new CmsHttpsPartner(gateway.gatewayCa.certificate(), gateway.cnSigner)) {
            start(gateway, partner, "aeo-status-xml", 5);
            HttpResponse<String> accepted = postOutbound(
                    gateway,
                    "SG-CUSTOMS",
                    records(record(aeoId(), "WITHDRAWN", "2026-12-04T08:00:00Z", null)),
                    "national",
                    "national-demo");
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));

            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("history")
                            .toString())
                    .contains("signed receipt NOT verified")
                    .contains("does not chain to the partner's receipt anchors");
            assertThat(gateway.getJson("/api/v1/outbound")
                            .path("partners")
                            .get(0)
                            .path("lastReceiptAt")
                            .isTextual())
                    .isTrue();

            HttpResponse<String> replay = gateway.post("/api/v1/messages/" + messageId + "/replay", new byte[0], null);
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            assertThat(GatewayUnderTest.json(replay).path("queued").asInt()).isZero();
            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("history")
                            .findValuesAsText("status"))
                    .contains("REPLAYED");
            assertThat(partner.attempts()).isEqualTo(1);
        }
    }

    private static HttpResponse<String> postOutbound(
            GatewayUnderTest gateway, String partnerId, String body, String user, String password) {
        String path = "/api/v1/outbound/" + partnerId;
        return gateway.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", GatewayUnderTest.basic(user, password))
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                path);
    }

    private static String aeoId() {
        return "DE" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L);
    }

    private static String record(String aeoId, String status, String changedAt, String reason) {
        return """
                {"recordType":"AEO_STATUS","aeoId":"%s","operatorName":"Nord Export GmbH","address":{"city":"Hamburg","country":"DE"},
                 "programme":"AEO","status":"%s","validFrom":"2019-05-01","validUntil":null,"statusChangedAt":"%s","statusReason":%s}""".formatted(aeoId, status, changedAt, reason == null ? "null" : "\"" + reason + "\"");
    }

    private static String records(String... records) {
        return "{\"records\":[" + String.join(",", records) + "]}";
    }
}
