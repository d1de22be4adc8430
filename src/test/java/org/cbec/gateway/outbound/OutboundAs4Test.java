package org.cbec.gateway.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.cbec.gateway.canonical.AeoStatusRecord;
import org.cbec.gateway.canonical.CanonicalRecord;
import org.cbec.gateway.evidence.EvidenceArchive;
import org.cbec.gateway.signature.as4.As4Answer;
import org.cbec.gateway.signature.as4.As4SecurityVerifier;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.Phase4Receiver;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.translate.DocumentFormat;
import org.cbec.gateway.translate.Translation;
import org.cbec.gateway.translate.TranslationContext;
import org.cbec.gateway.translate.Translators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * National data to a partner over AS4 (CONTRACT.md §8), on the real app, the partner's access point being phase4's own
 * receiving side (a real AS4 implementation written by someone else) in Jetty, with a PKI made here and the eDelivery PMode
 * in code: the partner receives the payload once, decrypted and verified by phase4; the gateway verifies the partner's
 * signed receipt (signature, chain to the partner's anchors, NonRepudiationInformation) and keeps it with the exact request.
 */
class OutboundAs4Test {
    private static final String REFERENCE = "DE-SG MRA on AEO (TEST)";
    private static final String SERVICE = "urn:cbec:gateway:exchange";

    @TempDir
    Path root;

    private GatewayUnderTest start(
            GatewayUnderTest gateway, Phase4Receiver partner, boolean encrypt, String receiptAnchors, int maxAttempts) {
        TestPki.writePem(root.resolve("gateway/partners/certs/sg-customs-as4.pem"), gateway.sgSigner.certificate());
        GatewayUnderTest.write(root.resolve("gateway/partners/SG-CUSTOMS.yaml"), """
                id: SG-CUSTOMS
                name: Singapore Customs
                country: SG
                trustAnchors:
                  - certs/sg-customs-ca.pem
                revocation: none
                messageTypes: [AEO_STATUS]
                as4:
                  partyId: SG-CUSTOMS
                agreement:
                  reference: "%s"
                  inbound:
                    AEO_STATUS: ["*"]
                  outbound:
                    AEO_STATUS: [aeoId, operatorName, address.country, address.city, programme, status, validFrom, validUntil, statusChangedAt, statusReason]
                outbound:
                  transport: as4
                  url: %s
                  format: aeo-status-json
                %s%s""".formatted(
                        REFERENCE,
                        partner.url(),
                        encrypt ? "  encryptCert: certs/sg-customs-as4.pem\n" : "",
                        receiptAnchors == null ? "" : "  receiptAnchors:\n    - " + receiptAnchors + "\n"));
        return gateway.with("gateway.forward.max-attempts", String.valueOf(maxAttempts))
                .start();
    }

    @Test
    void
            a_national_system_sends_aeo_records_and_phase4_receives_them_once_decrypted_and_verified_and_its_receipt_is_verified_and_kept() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                Phase4Receiver partner = new Phase4Receiver(
                        gateway.sgSigner,
                        gateway.gatewayCa.certificate(),
                        gateway.gatewayKey.certificate(),
                        "SG-CUSTOMS",
                        SERVICE)) {
            start(gateway, partner, true, null, 5);
            String aeoId = aeoId();

            HttpResponse<String> accepted =
                    postOutbound(gateway, records(record(aeoId, "ACTIVE"), record(aeoId + "1", "SUSPENDED")));

            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "FORWARDED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.received()).hasSize(1);
            Phase4Receiver.Received got = partner.received().get(0);
            // phase4 decrypted the attachment with the partner's key and checked the gateway's signature
            assertThat(got.decrypted()).isTrue();
            assertThat(got.signatureChecked()).isTrue();
            assertThat(got.signer()).isEqualTo(gateway.gatewayKey.certificate());
            assertThat(got.fromPartyId()).isEqualTo("CBEC-GATEWAY");
            assertThat(got.toPartyId()).isEqualTo("SG-CUSTOMS");
            assertThat(got.service()).isEqualTo(SERVICE);
            assertThat(got.action()).isEqualTo("Deliver");
            assertThat(got.mimeType()).isEqualTo("application/json");
            assertThat(got.properties())
                    .containsEntry("legalBasis", REFERENCE)
                    .containsEntry("finalRecipient", "SG-CUSTOMS");
            Translation read = Translators.standard()
                    .translate(
                            DocumentFormat.AEO_STATUS_JSON,
                            got.payload(),
                            new TranslationContext("CBEC-GATEWAY", messageId, "DE"));
            assertThat(read)
                    .as(new String(got.payload(), StandardCharsets.UTF_8))
                    .isInstanceOf(Translation.Records.class);
            List<CanonicalRecord> records = ((Translation.Records) read).records();
            assertThat(records).extracting(r -> ((AeoStatusRecord) r).aeoId()).containsExactly(aeoId, aeoId + "1");

            JsonNode tracked = gateway.getJson("/api/v1/messages/" + messageId);
            assertThat(tracked.path("history").toString())
                    .contains("eb:Receipt for " + got.messageId() + " verified", "payload encrypted");
            String key =
                    tracked.path("recordList").get(0).path("idempotencyKey").asText();
            assertThat(got.messageId()).startsWith(key.replace(':', '.'));
            assertThat(got.properties()).containsEntry("idempotencyKey", key);

            // Evidence: phase4's signed receipt and the exact request it answers, both kept.
            EvidenceArchive archive = gateway.runtime()
                    .camel()
                    .getRegistry()
                    .lookupByNameAndType("evidenceArchive", EvidenceArchive.class);
            List<byte[]> receipts = archive.signedReceipts(messageId);
            List<byte[]> requests = archive.sentRequests(messageId);
            assertThat(receipts).hasSize(1);
            assertThat(requests).hasSize(1);
            As4Answer receipt = As4Answer.parse(receipts.get(0), "application/soap+xml");
            assertThat(receipt.isReceipt()).isTrue();
            assertThat(receipt.refToMessageId()).isEqualTo(got.messageId());
            As4SecurityVerifier.Signed signed = new As4SecurityVerifier(
                            new org.cbec.gateway.signature.GatewaySigningKey(
                                    gateway.gatewayKey.key(), gateway.gatewayKey.chain()),
                            1 << 20)
                    .verifySignal(receipt.envelope());
            assertThat(signed.signer()).isEqualTo(gateway.sgSigner.certificate());
            String request = new String(requests.get(0), StandardCharsets.ISO_8859_1);
            assertThat(request)
                    .startsWith("Content-Type: multipart/related;")
                    .contains(got.messageId())
                    .contains("EncryptedKey");
            assertThat(gateway.getJson("/api/v1/outbound")
                            .path("partners")
                            .get(0)
                            .path("lastReceiptAt")
                            .isTextual())
                    .isTrue();
            assertThat(partner.attempts()).isEqualTo(1);
        }
    }

    @Test
    void
            a_partner_answering_an_eb_error_gets_retries_then_a_dead_letter_that_an_operator_replays_and_it_arrives_once() {
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                Phase4Receiver partner = new Phase4Receiver(
                        gateway.sgSigner,
                        gateway.gatewayCa.certificate(),
                        gateway.gatewayKey.certificate(),
                        "SG-CUSTOMS",
                        SERVICE)) {
            start(gateway, partner, false, null, 3);
            partner.erroring(true);

            HttpResponse<String> accepted = postOutbound(gateway, records(record(aeoId(), "REVOKED")));

            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(partner.attempts()).isEqualTo(3);
            assertThat(partner.received()).isEmpty();
            JsonNode history = gateway.getJson("/api/v1/messages/" + messageId).path("history");
            assertThat(history.findValuesAsText("status").stream().filter("DELIVERY_FAILED"::equals))
                    .hasSize(3);
            assertThat(history.toString())
                    .contains(As4Transport.PARTNER_ERROR + ": the partner answered")
                    .contains("EBMS:0004");
            assertThat(gateway.getJson("/api/v1/dead-letters?partner=SG-CUSTOMS")
                            .path("deadLetters")
                            .get(0)
                            .path("id")
                            .asText())
                    .startsWith(messageId);
            EvidenceArchive archive = gateway.runtime()
                    .camel()
                    .getRegistry()
                    .lookupByNameAndType("evidenceArchive", EvidenceArchive.class);
            assertThat(archive.signedReceipts(messageId)).isEmpty();

            // The partner's back office is back; an operator replays the dead letter: each attempt had an eb:MessageId
            // of its
            // own (phase4 remembers refused ids as "already handled"), so the replay is taken, once, with the same
            // idempotency key.
            partner.erroring(false);
            String letter = gateway.getJson("/api/v1/dead-letters?partner=SG-CUSTOMS")
                    .path("deadLetters")
                    .get(0)
                    .path("id")
                    .asText();
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
            assertThat(archive.signedReceipts(messageId)).hasSize(1);
        }
    }

    @Test
    void
            a_receipt_from_phase4_signed_outside_the_receipt_anchors_is_a_failed_attempt_and_the_message_is_dead_lettered() {
        // The partner file says SG-CUSTOMS's receipts chain to CN-GACC's CA: phase4's receipt, signed by SG's key, does
        // not.
        try (GatewayUnderTest gateway = new GatewayUnderTest(root.resolve("gateway"));
                Phase4Receiver partner = new Phase4Receiver(
                        gateway.sgSigner,
                        gateway.gatewayCa.certificate(),
                        gateway.gatewayKey.certificate(),
                        "SG-CUSTOMS",
                        SERVICE)) {
            start(gateway, partner, false, "certs/cn-gacc-ca.pem", 2);

            HttpResponse<String> accepted = postOutbound(gateway, records(record(aeoId(), "ACTIVE")));

            String messageId = GatewayUnderTest.json(accepted).path("messageId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "DEAD_LETTERED"
                            .equals(gateway.getJson("/api/v1/messages/" + messageId)
                                    .path("status")
                                    .asText()));
            assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                            .path("history")
                            .toString())
                    .contains(As4Transport.RECEIPT_INVALID
                            + ": the eb:Receipt whose signer does not chain to the partner's receipt anchors");
            // At least once: phase4 took both attempts (each its own eb:MessageId), both with the same idempotency key.
            assertThat(partner.received()).hasSize(2);
            assertThat(partner.received().get(0).properties().get("idempotencyKey"))
                    .isEqualTo(partner.received().get(1).properties().get("idempotencyKey"));
            EvidenceArchive archive = gateway.runtime()
                    .camel()
                    .getRegistry()
                    .lookupByNameAndType("evidenceArchive", EvidenceArchive.class);
            assertThat(archive.signedReceipts(messageId)).isEmpty();
        }
    }

    private static HttpResponse<String> postOutbound(GatewayUnderTest gateway, String body) {
        String path = "/api/v1/outbound/SG-CUSTOMS";
        return gateway.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + path))
                        .header("Content-Type", "application/json")
                        .header("Authorization", GatewayUnderTest.basic("national", "national-demo"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                path);
    }

    private static String aeoId() {
        return "DE" + ThreadLocalRandom.current().nextLong(1_000_000_000L, 10_000_000_000L);
    }

    private static String record(String aeoId, String status) {
        return """
                {"recordType":"AEO_STATUS","aeoId":"%s","operatorName":"Nord Export GmbH","address":{"city":"Hamburg","country":"DE"},
                 "programme":"AEO","status":"%s","validFrom":"2019-05-01","validUntil":null,"statusChangedAt":"2026-12-01T08:00:00Z","statusReason":null}""".formatted(aeoId, status);
    }

    private static String records(String... records) {
        return "{\"records\":[" + String.join(",", records) + "]}";
    }
}
