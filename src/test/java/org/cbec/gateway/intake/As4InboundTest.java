package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.helger.phase4.sender.EAS4UserMessageSendResult;
import com.helger.scope.mgr.ScopeManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.cbec.gateway.evidence.As4Messages;
import org.cbec.gateway.testing.As4Partner;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * AS4 partners, one scenario per case: phase4's own sender, with the eDelivery PMode, pushes to the real gateway's {@code /as4}; phase4 checks
 * each receipt (the gateway's signature against its CA, the NonRepudiationInformation against what it signed), and the
 * records reach the national system once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class As4InboundTest {
    GatewayUnderTest gateway;
    String endpoint;

    @BeforeAll
    void start(@TempDir Path root) {
        if (!ScopeManager.isGlobalScopePresent()) {
            ScopeManager.onGlobalBegin("as4-partner");
        }
        gateway = new GatewayUnderTest(root).start();
        endpoint = "http://127.0.0.1:" + gateway.runtime().httpPort() + "/as4";
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private As4Partner cn() {
        return new As4Partner(gateway.cnSigner, "CN-GACC", gateway.gatewayKey, gateway.gatewayCa);
    }

    @Test
    void a_signed_message_gets_a_receipt_that_phase4_validates_and_its_records_reach_the_national_system_once() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        As4Partner.Sent sent = cn().send(endpoint, List.of(csv.bytes()));

        assertThat(sent.result())
                .as("error %s: %s", sent.errorCode(), sent.errorDescription())
                .isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        assertThat(sent.signal().getReceipt()).isNotNull();
        assertThat(sent.nrr()).isEqualTo("valid");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
        JsonNode found = gateway.getJson("/api/v1/messages?partner=CN-GACC&limit=50");
        assertThat(found.toString()).contains(sent.messageId());
        assertThat(gateway.runtime().as4Messages().corners("CN-GACC", sent.messageId()))
                .as("originalSender and finalRecipient recorded")
                .hasValueSatisfying(corners -> assertThat(corners)
                        .containsExactly("urn:cbec:original:cn-exporter", "urn:cbec:final:de-customs"));
        assertThat(gateway.runtime().as4Messages().request("CN-GACC", sent.messageId()))
                .as("the signed request is kept as evidence")
                .hasValueSatisfying(request -> assertThat(new String(request, StandardCharsets.ISO_8859_1))
                        .contains(sent.messageId())
                        .contains("SignatureValue"));
    }

    @Test
    void an_accepted_as4_payload_can_be_replayed_from_the_archive() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        As4Partner.Sent sent = cn().send(endpoint, List.of(csv.bytes()));
        receiptValidByPhase4(sent);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
        String messageId = acceptedMessagesOf(sent).get(0).path("messageId").asText();

        var replay = gateway.post("/api/v1/messages/" + messageId + "/replay", new byte[0], null);

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
    }

    @Test
    void a_signed_and_encrypted_message_is_decrypted_with_the_gateway_key_and_gets_a_valid_receipt() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        As4Partner.Sent sent = cn().encrypted().send(endpoint, List.of(csv.bytes()));

        receiptValidByPhase4(sent);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
    }

    @Test
    void a_compressed_message_is_decompressed_by_its_part_properties_and_gets_a_valid_receipt() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        As4Partner.Sent sent = cn().compressed().encrypted().send(endpoint, List.of(csv.bytes()));

        receiptValidByPhase4(sent);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
    }

    @Test
    void a_message_with_two_payloads_admits_each_as_a_business_document_and_forwards_each_record_once() {
        Fixtures.Document first = Fixtures.load("valid/aeo-status-3-rows.csv");
        Fixtures.Document second = Fixtures.load("valid/aeo-status-3-rows.csv");

        As4Partner.Sent sent = cn().send(endpoint, List.of(first.bytes(), second.bytes()));

        receiptValidByPhase4(sent);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                        .receivedWithKeyPrefix("CN-GACC:CN" + first.number())
                                        .size()
                                == 3
                        && gateway.national()
                                        .receivedWithKeyPrefix("CN-GACC:CN" + second.number())
                                        .size()
                                == 3);
        assertThat(acceptedMessagesOf(sent)).hasSize(2);
    }

    @Test
    void a_repeated_message_id_gets_the_first_receipt_again_and_nothing_is_forwarded_twice() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        As4Partner.Sent first = cn().send(endpoint, List.of(csv.bytes()));
        receiptValidByPhase4(first);

        // the same eb:MessageId, with another document: a duplicate by id, so the document is not even read
        Fixtures.Document other = Fixtures.load("valid/aeo-status-3-rows.csv");
        As4Partner.Sent again = cn().messageId(first.messageId()).send(endpoint, List.of(other.bytes()));

        assertThat(again.result()).isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        assertThat(again.signal().getMessageInfo().getMessageId())
                .as("the first receipt, not a new one")
                .isEqualTo(first.signal().getMessageInfo().getMessageId());
        assertThat(gateway.runtime().as4Messages().signals(first.messageId()))
                .extracting(As4Messages.Signal::kind)
                .as("both answers kept as evidence")
                .containsExactly("receipt", "duplicate");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
        assertThat(acceptedMessagesOf(first)).hasSize(1);
        assertThat(gateway.national().receivedWithKeyPrefix("CN-GACC:CN" + other.number()))
                .isEmpty();
    }

    @Test
    void duplicate_elimination_outlives_a_restart_of_the_gateway() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        As4Partner.Sent first = cn().send(endpoint, List.of(csv.bytes()));
        receiptValidByPhase4(first);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);

        gateway.stop();
        gateway.start();
        As4Partner.Sent again = cn().messageId(first.messageId()).send(endpoint, List.of(csv.bytes()));

        assertThat(again.signal().getMessageInfo().getMessageId())
                .isEqualTo(first.signal().getMessageInfo().getMessageId());
        assertThat(acceptedMessagesOf(first)).hasSize(1);
    }

    @Test
    void the_ebms_test_service_gets_a_receipt_and_nothing_is_admitted() {
        As4Partner.Sent sent = cn().serviceAndAction(As4Inbound.TEST_SERVICE, As4Inbound.TEST_ACTION)
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        receiptValidByPhase4(sent);
        assertThat(acceptedMessagesOf(sent)).isEmpty();
    }

    @Test
    void accepted_as4_messages_are_counted_in_the_metrics_by_partner_and_signal() {
        receiptValidByPhase4(cn().send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes())));

        assertThat(gateway.get("/metrics").body())
                .containsPattern("gateway_as4_messages_total\\{[^}]*partner=\"CN-GACC\"[^}]*signal=\"receipt\"");
    }

    @Test
    void a_payload_tampered_with_after_signing_is_refused_failed_authentication() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        As4Partner.Sent sent = cn().onTheWire(bytes -> replace(bytes, csv.number(), "000000000"))
                .send(endpoint, List.of(csv.bytes()));

        refused(sent, "EBMS:0101", "SIGNATURE_INVALID");
    }

    @Test
    void an_encrypted_message_whose_header_is_altered_after_signing_is_refused_failed_authentication_not_decryption() {
        As4Partner.Sent sent = cn().encrypted()
                .onTheWire(bytes -> replace(bytes, ">Submit<", ">Submiu<"))
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0101", "SIGNATURE_INVALID");
    }

    @Test
    void a_signer_of_an_untrusted_ca_is_refused_failed_authentication() {
        TestPki.Credential strangerCa = TestPki.certificateAuthority("CN=Untrusted CA,O=Nobody,C=XX");
        TestPki.Credential stranger = TestPki.signer(strangerCa, "CN=Stranger,O=Nobody,C=XX");
        As4Partner.Sent sent = new As4Partner(stranger, "CN-GACC", gateway.gatewayKey, gateway.gatewayCa)
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0101", "UNKNOWN_SIGNER");
    }

    @Test
    void an_unsigned_message_is_refused_policy_noncompliance() {
        As4Partner.Sent sent = cn().unsigned()
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0103", "SIGNATURE_INVALID");
        assertThat(sent.errorDescription()).contains("is not signed");
    }

    @Test
    void a_message_whose_signature_leaves_out_an_attachment_is_refused_policy_noncompliance() {
        As4Partner.Sent sent = cn().signatureCustomizer(new com.helger.phase4.crypto.IWSSecSignatureCustomizer() {
                    @Override
                    public void customize(org.apache.wss4j.dom.message.WSSecSignature signature) {
                        signature
                                .getParts()
                                .removeIf(part ->
                                        part.getId() != null && part.getId().startsWith("cid:"));
                    }
                })
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0103", "SIGNATURE_INVALID");
        assertThat(sent.errorDescription()).contains("leaves out the attachment cid:");
    }

    @Test
    void a_from_party_of_another_partner_is_refused_value_inconsistent() {
        As4Partner.Sent sent = cn().from("SG-CUSTOMS")
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0003", "AS4_PARTY_MISMATCH");
    }

    @Test
    void a_to_party_other_than_the_gateway_is_refused_value_inconsistent() {
        As4Partner.Sent sent = cn().to("SOMEONE-ELSE")
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0003", "AS4_PARTY_MISMATCH");
    }

    @Test
    void an_expired_signer_certificate_is_refused_failed_authentication() {
        TestPki.Credential expired = TestPki.expiredSigner(
                gateway.cnCa, "CN=CN-GACC Expired Signer,O=General Administration of Customs,C=CN");
        As4Partner.Sent sent = new As4Partner(expired, "CN-GACC", gateway.gatewayKey, gateway.gatewayCa)
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0101", "CERTIFICATE_EXPIRED");
    }

    @Test
    void an_unknown_service_is_refused_processing_mode_mismatch() {
        As4Partner.Sent sent = cn().serviceAndAction("urn:other:service", "Submit")
                .send(
                        endpoint,
                        List.of(Fixtures.load("valid/aeo-status-3-rows.csv").bytes()));

        refused(sent, "EBMS:0010", "AS4_SERVICE_UNKNOWN");
    }

    private static void receiptValidByPhase4(As4Partner.Sent sent) {
        assertThat(sent.result())
                .as("error %s: %s", sent.errorCode(), sent.errorDescription())
                .isEqualTo(EAS4UserMessageSendResult.SUCCESS);
        assertThat(sent.signal().getReceipt()).isNotNull();
        assertThat(sent.nrr())
                .as("phase4's check of the NonRepudiationInformation")
                .isEqualTo("valid");
    }

    /**
     * A refusal: phase4 got a signed eb:Error (it verified the gateway's signature to parse it) with the ebMS code, the
     * gateway's code in the description, the refusal archived under the evidence id it names, and nothing accepted.
     */
    private void refused(As4Partner.Sent sent, String ebmsCode, String gatewayCode) {
        assertThat(sent.result()).isEqualTo(EAS4UserMessageSendResult.AS4_ERROR_MESSAGE_RECEIVED);
        assertThat(sent.errorCode()).as(sent.errorDescription()).isEqualTo(ebmsCode);
        assertThat(sent.errorDescription()).startsWith(gatewayCode + ":");
        String evidence = sent.errorDescription().replaceAll("(?s).*\\(evidence ([0-9A-Z]+)\\)$", "$1");
        JsonNode refusal = gateway.getJson("/api/v1/messages/" + evidence).path("refusal");
        assertThat(refusal.path("code").asText()).as("the refusal is archived").isEqualTo(gatewayCode);
        assertThat(refusal.path("detail").asText())
                .as("tracking names the eb:MessageId")
                .contains(sent.messageId());
        assertThat(acceptedMessagesOf(sent))
                .as("nothing accepted, so nothing forwarded")
                .isEmpty();
        assertThat(gateway.runtime().as4Messages().signals(sent.messageId()))
                .as("the signed error is kept as evidence")
                .singleElement()
                .satisfies(signal -> {
                    assertThat(signal.kind()).isEqualTo("error");
                    assertThat(signal.ebmsCode()).isEqualTo(ebmsCode);
                    assertThat(signal.gatewayCode()).isEqualTo(gatewayCode);
                });
    }

    /** The gateway's accepted messages that came in the AS4 message: tracking shows their eb:MessageId. */
    private List<JsonNode> acceptedMessagesOf(As4Partner.Sent sent) {
        List<JsonNode> accepted = new java.util.ArrayList<>();
        gateway.getJson("/api/v1/messages?partner=CN-GACC&limit=500")
                .path("messages")
                .forEach(message -> {
                    if (message.path("verdict").asText().equals("ACCEPTED")
                            && message.path("as4MessageId").asText().equals(sent.messageId())) {
                        accepted.add(message);
                    }
                });
        return accepted;
    }

    private static byte[] replace(byte[] bytes, String from, String to) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains(from);
        return text.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
