package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One scenario per refusal code: a partner sends a defective message; the gateway answers the exact
 * code as problem+json and archives the refusal, and nothing reaches the national system.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusalsTest {
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.inbound.max-bytes", "65536")
                .start();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void a_byte_flipped_in_the_signed_content_is_signature_invalid() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        byte[] signed = TestPki.signCms(csv.bytes(), gateway.cnSigner);

        JsonNode problem = refused(
                gateway.postCms(Fixtures.withByteFlippedInContent(signed, csv.bytes())), 403, "SIGNATURE_INVALID");

        assertThat(problem.path("detail").asText()).contains("does not verify");
    }

    @Test
    void a_signer_from_an_untrusted_ca_is_unknown_signer() {
        TestPki.Credential rogueCa = TestPki.certificateAuthority("CN=Rogue CA,O=Nobody,C=XX");
        TestPki.Credential rogue = TestPki.signer(rogueCa, "CN=Rogue Signer,O=Nobody,C=XX");

        refused(
                gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), rogue)),
                403,
                "UNKNOWN_SIGNER");
    }

    @Test
    void a_signer_that_copies_a_partner_ca_name_but_not_its_key_is_unknown_signer() {
        TestPki.Credential impostorCa = TestPki.certificateAuthority(GatewayUnderTest.CN_CA_SUBJECT);
        TestPki.Credential impostor =
                TestPki.signer(impostorCa, "CN=CN-GACC Signer,O=General Administration of Customs,C=CN");

        refused(
                gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), impostor)),
                403,
                "UNKNOWN_SIGNER");
    }

    @Test
    void an_expired_signer_is_certificate_expired() {
        TestPki.Credential expired = TestPki.expiredSigner(
                gateway.cnCa, "CN=CN-GACC Expired Signer,O=General Administration of Customs,C=CN");

        refused(
                gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), expired)),
                403,
                "CERTIFICATE_EXPIRED");
    }

    @Test
    void a_partner_sending_a_type_it_may_not_is_message_type_not_allowed() {
        byte[] shipment = Fixtures.load("valid/ecom-shipment.json").bytes();

        JsonNode problem =
                refused(gateway.postCms(TestPki.signCms(shipment, gateway.sgSigner)), 403, "MESSAGE_TYPE_NOT_ALLOWED");

        assertThat(problem.path("detail").asText()).contains("SG-CUSTOMS");
    }

    @Test
    void a_message_signed_eight_days_ago_is_stale() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();

        refused(
                gateway.postCms(
                        TestPki.signCms(csv, gateway.cnSigner, Instant.now().minus(Duration.ofDays(8)))),
                409,
                "STALE_MESSAGE");
    }

    @Test
    void a_message_signed_an_hour_in_the_future_is_stale() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();

        refused(
                gateway.postCms(
                        TestPki.signCms(csv, gateway.cnSigner, Instant.now().plus(Duration.ofHours(1)))),
                409,
                "STALE_MESSAGE");
    }

    @Test
    void a_csv_with_several_bad_rows_is_schema_invalid_listing_every_error_with_row_and_column() {
        byte[] csv = Fixtures.load("invalid/aeo-status-bad-status-and-date.csv").bytes();

        JsonNode problem = refused(gateway.postCms(TestPki.signCms(csv, gateway.cnSigner)), 422, "SCHEMA_INVALID");

        JsonNode errors = problem.path("errors");
        assertThat(errors.size()).isGreaterThanOrEqualTo(2);
        assertThat(errors.toString())
                .contains("row 2")
                .contains("status")
                .contains("row 3")
                .contains("status_changed_at");
    }

    @Test
    void a_signer_with_an_rsa_1024_key_is_algorithm_not_allowed() {
        Instant now = Instant.now();
        TestPki.Credential weak = TestPki.signer(
                gateway.cnCa,
                "CN=CN-GACC Weak Signer,O=General Administration of Customs,C=CN",
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                TestPki.rsa(1024));

        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), weak)),
                403,
                "ALGORITHM_NOT_ALLOWED");

        assertThat(problem.path("detail").asText()).contains("RSA-1024");
    }

    @Test
    void a_sha1_signature_is_algorithm_not_allowed() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();

        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(csv, gateway.cnSigner, Instant.now(), "SHA1withRSA")),
                403,
                "ALGORITHM_NOT_ALLOWED");

        assertThat(problem.path("detail").asText()).contains("SHA-1");
    }

    @Test
    void an_ecdsa_p256_signer_is_accepted() {
        Instant now = Instant.now();
        TestPki.Credential ec = TestPki.signer(
                gateway.cnCa,
                "CN=CN-GACC EC Signer,O=General Administration of Customs,C=CN",
                now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(30)),
                TestPki.ecP256());

        HttpResponse<String> response = gateway.postCms(
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), ec));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void truncated_der_is_malformed() {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);

        refused(gateway.postCms(Fixtures.truncated(signed, signed.length / 2)), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void pem_with_garbage_inside_is_malformed() {
        byte[] pem = "-----BEGIN CMS-----\nthis is not base64 of anything!!\n-----END CMS-----\n"
                .getBytes(StandardCharsets.US_ASCII);

        refused(gateway.postCms(pem), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void an_empty_body_is_malformed() {
        refused(gateway.postCms(new byte[0]), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void a_missing_content_type_is_unsupported_format() {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);

        refused(gateway.post("/api/v1/inbound", signed, null), 415, "UNSUPPORTED_FORMAT");
    }

    @Test
    void an_unknown_content_type_is_unsupported_format() {
        byte[] signed =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);

        refused(gateway.post("/api/v1/inbound", signed, "application/octet-stream"), 415, "UNSUPPORTED_FORMAT");
    }

    @Test
    void a_signed_document_of_an_unknown_type_is_unsupported_format() {
        byte[] json = Fixtures.load("invalid/unknown-document-type.json").bytes();

        refused(gateway.postCms(TestPki.signCms(json, gateway.cnSigner)), 415, "UNSUPPORTED_FORMAT");
    }

    @Test
    void signed_plain_text_is_unsupported_format() {
        byte[] text =
                Fixtures.load("invalid/plain-text-not-a-business-document.txt").bytes();

        refused(gateway.postCms(TestPki.signCms(text, gateway.cnSigner)), 415, "UNSUPPORTED_FORMAT");
    }

    @Test
    void a_body_over_the_size_limit_is_payload_too_large() {
        byte[] big = new byte[65_537];

        refused(gateway.postCms(big), 413, "PAYLOAD_TOO_LARGE");
    }

    @Test
    void a_pem_encoded_cms_is_accepted_like_der() {
        byte[] der =
                TestPki.signCms(Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), gateway.cnSigner);
        String pem = "-----BEGIN CMS-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END CMS-----\n";

        HttpResponse<String> response =
                gateway.post("/api/v1/inbound", pem.getBytes(StandardCharsets.US_ASCII), "application/cms");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    /** Asserts the problem answer and that the refusal was archived under the messageId it names. */
    private JsonNode refused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = GatewayUnderTest.json(response);
        assertThat(problem.path("code").asText()).isEqualTo(code);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        String messageId = problem.path("messageId").asText();
        assertThat(messageId).hasSize(26);
        JsonNode archived = gateway.getJson("/api/v1/messages/" + messageId);
        assertThat(archived.path("verdict").asText()).isEqualTo("REJECTED");
        assertThat(archived.path("status").asText()).isEqualTo("REJECTED");
        assertThat(archived.path("refusal").path("code").asText()).isEqualTo(code);
        assertThat(archived.path("sha256").asText()).hasSize(64);
        return problem;
    }
}
