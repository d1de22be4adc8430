package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.cbec.gateway.testing.ContainerSigning;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.Openssl;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.cbec.gateway.testing.TestTsa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trusted time and the smaller trust rules of issue 18 §6. A partner backdates the signing time it writes itself
 * to sign with a certificate that has already expired: the chain is judged at the time an RFC 3161 signature
 * time-stamp token from a trusted TSA proves, else at the time received, never at the claimed time. A partner
 * publishes the AEO status of its own country's operators only; an S/MIME preamble or epilogue carries no unsigned
 * text; every JWS x5c certificate is on the signer's path. Each case asserts the answer, the evidence record, and
 * at the end that the gateway is still healthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrustedTimeCatalogueTest {
    private static final String CN = ",O=General Administration of Customs,C=CN";

    GatewayUnderTest gateway;
    TestTsa trustedTsa;
    Path root;
    /** Valid from 400 days ago until yesterday: valid when it claims to sign, three days ago; expired now. */
    Credential expiredYesterday;

    Instant threeDaysAgo;

    @BeforeAll
    void start(@TempDir Path root) {
        this.root = root;
        trustedTsa = new TestTsa("Trusted Test TSA");
        gateway = new GatewayUnderTest(root.resolve("gateway"))
                .with(
                        "gateway.inbound.tsa-anchors",
                        trustedTsa
                                .writeRoot(root.resolve("tsa/trusted-root.pem"))
                                .toString())
                .start();
        Instant now = Instant.now();
        expiredYesterday = TestPki.signer(
                gateway.cnCa,
                "CN=CN-GACC Signer Expired Yesterday" + CN,
                now.minus(Duration.ofDays(400)),
                now.minus(Duration.ofDays(1)),
                TestPki.rsa(2048));
        threeDaysAgo = now.minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
    }

    @AfterAll
    void healthyAfterTheCatalogue() {
        try {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    // --- trusted time (§6) ---

    @Test
    void cms_with_a_backdated_signing_time_by_an_expired_signer_and_no_token() {
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);

        refused(gateway.postCms(cms), 403, "CERTIFICATE_EXPIRED", "was not valid at");
    }

    @Test
    void smime_with_a_backdated_signing_time_by_an_expired_signer_and_no_token() {
        ContainerSigning.Signed smime = ContainerSigning.smime(csv(), expiredYesterday, threeDaysAgo, cms -> cms);

        refused(
                gateway.post(smime.path(), smime.body(), smime.contentType()),
                403,
                "CERTIFICATE_EXPIRED",
                "was not valid");
    }

    @Test
    void jws_with_a_backdated_iat_by_an_expired_signer() throws Exception {
        List<com.nimbusds.jose.util.Base64> x5c = new ArrayList<>();
        for (X509Certificate certificate : expiredYesterday.chain()) {
            x5c.add(com.nimbusds.jose.util.Base64.encode(certificate.getEncoded()));
        }
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .type(JOSEObjectType.JOSE)
                        .x509CertChain(x5c)
                        .customParam("iat", threeDaysAgo.getEpochSecond())
                        .build(),
                new Payload(csv()));
        jws.sign(new RSASSASigner(expiredYesterday.key()));

        refused(
                gateway.post(
                        "/api/v1/inbound", jws.serialize().getBytes(StandardCharsets.US_ASCII), "application/jose"),
                403,
                "CERTIFICATE_EXPIRED",
                "was not valid");
    }

    @Test
    void signed_xml_with_a_backdated_xades_signing_time_by_an_expired_signer() {
        ContainerSigning.Signed xml = ContainerSigning.xml(aeoXml("CN"), expiredYesterday, threeDaysAgo);

        refused(gateway.post(xml.path(), xml.body(), xml.contentType()), 403, "CERTIFICATE_EXPIRED", "was not valid");
    }

    @Test
    void signed_xml_with_a_xades_signing_time_by_a_valid_signer_is_accepted() {
        ContainerSigning.Signed xml = ContainerSigning.xml(
                aeoXml("CN"), gateway.cnSigner, Instant.now().truncatedTo(ChronoUnit.SECONDS));

        accepted(gateway.post(xml.path(), xml.body(), xml.contentType()));
    }

    @Test
    void cms_with_a_backdated_signing_time_proved_by_a_trusted_tsa_when_the_signer_was_valid_is_accepted() {
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);
        byte[] token = trustedTsa.stampWithBouncyCastle(TestTsa.signatureValue(cms), threeDaysAgo.plusSeconds(60));

        accepted(gateway.postCms(TestTsa.withTimeStamp(cms, token)));
    }

    @Test
    void smime_with_a_signing_time_proved_by_a_trusted_tsa_when_the_signer_was_valid_is_accepted() {
        ContainerSigning.Signed smime = ContainerSigning.smime(
                csv(),
                expiredYesterday,
                threeDaysAgo,
                cms -> TestTsa.withTimeStamp(
                        cms,
                        trustedTsa.stampWithBouncyCastle(TestTsa.signatureValue(cms), threeDaysAgo.plusSeconds(60))));

        accepted(gateway.post(smime.path(), smime.body(), smime.contentType()));
    }

    @Test
    void cms_stamped_now_by_a_trusted_tsa_with_openssl_ts_is_accepted() {
        Openssl.require();
        byte[] cms = TestPki.signCms(csv(), gateway.cnSigner);
        byte[] token = trustedTsa.stampWithOpenssl(root.resolve("openssl-trusted"), TestTsa.signatureValue(cms));

        accepted(gateway.postCms(TestTsa.withTimeStamp(cms, token)));
    }

    @Test
    void cms_stamped_by_an_untrusted_tsa() {
        Openssl.require();
        TestTsa rogue = new TestTsa("Rogue TSA");
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);
        byte[] token = rogue.stampWithOpenssl(root.resolve("openssl-rogue"), TestTsa.signatureValue(cms));

        refused(
                gateway.postCms(TestTsa.withTimeStamp(cms, token)),
                403,
                "TIMESTAMP_INVALID",
                "does not chain to a trusted TSA anchor");
    }

    @Test
    void cms_backdated_with_a_token_of_an_untrusted_tsa_at_the_claimed_time() {
        TestTsa rogue = new TestTsa("Rogue Backdating TSA");
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);
        byte[] token = rogue.stampWithBouncyCastle(TestTsa.signatureValue(cms), threeDaysAgo);

        refused(
                gateway.postCms(TestTsa.withTimeStamp(cms, token)),
                403,
                "TIMESTAMP_INVALID",
                "does not chain to a trusted TSA anchor");
    }

    @Test
    void cms_with_a_trusted_token_whose_imprint_is_of_another_signature() {
        Openssl.require();
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);
        byte[] other = TestPki.signCms(csv(), gateway.cnSigner);
        byte[] token = trustedTsa.stampWithOpenssl(root.resolve("openssl-other"), TestTsa.signatureValue(other));

        refused(
                gateway.postCms(TestTsa.withTimeStamp(cms, token)),
                403,
                "TIMESTAMP_INVALID",
                "message imprint is not the SHA-256 digest");
    }

    @Test
    void cms_with_a_trusted_token_at_a_time_the_signer_had_expired() {
        byte[] cms = TestPki.signCms(csv(), expiredYesterday, threeDaysAgo);
        byte[] token = trustedTsa.stampWithBouncyCastle(
                TestTsa.signatureValue(cms), Instant.now().minus(Duration.ofHours(1)));

        refused(gateway.postCms(TestTsa.withTimeStamp(cms, token)), 403, "CERTIFICATE_EXPIRED", "was not valid");
    }

    @Test
    void cms_with_a_time_stamp_token_that_is_not_one() {
        byte[] cms = TestPki.signCms(csv(), gateway.cnSigner);

        refused(
                gateway.postCms(TestTsa.withTimeStamp(cms, TestPki.signCms(csv(), gateway.cnSigner))),
                403,
                "TIMESTAMP_INVALID",
                "cannot be read");
    }

    // --- an AEO id's country prefix is the sending partner's country (§6) ---

    @Test
    void cn_partner_publishing_an_sg_operator_in_a_csv_list() {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");
        String foreign = csv.text().replace("\nCN" + csv.number() + "2,", "\nSG" + csv.number() + "2,");

        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(foreign.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID",
                "error");

        assertThat(problem.path("errors")).hasSize(1);
        assertThat(problem.path("errors").get(0).toString())
                .contains("row 3")
                .contains("aeo_id")
                .contains("starting with CN, the sending partner's country");
    }

    @Test
    void cn_partner_publishing_an_sg_operator_in_a_json_list() {
        Fixtures.Document json = Fixtures.load("valid/aeo-status-list.json");
        String foreign = json.text().replace("\"aeoId\":\"CN", "\"aeoId\":\"SG");

        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(foreign.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID",
                "error");

        assertThat(problem.path("errors").toString())
                .contains("/operators/0/aeoId")
                .contains("starting with CN, the sending partner's country");
    }

    @Test
    void cn_partner_publishing_an_sg_operator_in_a_signed_xml_list() {
        ContainerSigning.Signed signed = ContainerSigning.xml(aeoXml("SG"), gateway.cnSigner);

        JsonNode problem = refused(
                gateway.post(signed.path(), signed.body(), signed.contentType()), 422, "SCHEMA_INVALID", "error");

        assertThat(problem.path("errors").toString())
                .contains("ID")
                .contains("starting with CN, the sending partner's country");
    }

    @Test
    void sg_partner_publishing_cn_operators() {
        JsonNode problem =
                refused(gateway.postCms(TestPki.signCms(csv(), gateway.sgSigner)), 422, "SCHEMA_INVALID", "error");

        assertThat(problem.path("errors").toString()).contains("starting with SG, the sending partner's country");
    }

    // --- the S/MIME preamble and epilogue are not signed (§6) ---

    @Test
    void smime_with_unsigned_text_in_its_preamble() {
        ContainerSigning.Signed smime = ContainerSigning.smime(csv(), gateway.cnSigner);
        byte[] body = concat("Please withdraw every operator not listed below.\r\n\r\n", smime.body(), "");

        refused(
                gateway.post(smime.path(), body, smime.contentType()),
                400,
                "MALFORMED_MESSAGE",
                "text before its first boundary");
    }

    @Test
    void smime_with_an_unsigned_header_in_its_preamble() {
        ContainerSigning.Signed smime = ContainerSigning.smime(csv(), gateway.cnSigner);
        byte[] body = concat("MIME-Version: 1.0\r\nSubject: FULL list, withdraw the rest\r\n\r\n", smime.body(), "");

        refused(
                gateway.post(smime.path(), body, smime.contentType()),
                400,
                "MALFORMED_MESSAGE",
                "only the MIME-Version and Content-Type headers");
    }

    @Test
    void smime_with_unsigned_text_in_its_epilogue() {
        ContainerSigning.Signed smime = ContainerSigning.smime(csv(), gateway.cnSigner);
        byte[] body = concat("", smime.body(), "\r\nCN000000001,Unsigned Operator Ltd\r\n");

        refused(
                gateway.post(smime.path(), body, smime.contentType()),
                400,
                "MALFORMED_MESSAGE",
                "text after its close delimiter");
    }

    @Test
    void smime_with_the_outer_headers_and_preamble_openssl_writes_is_accepted() {
        ContainerSigning.Signed smime = ContainerSigning.smime(csv(), gateway.cnSigner);
        byte[] body = concat(
                "MIME-Version: 1.0\nContent-Type: " + smime.contentType() + "\n\nThis is an S/MIME signed message\n\n",
                smime.body(),
                "\n");

        accepted(gateway.post(smime.path(), body, smime.contentType()));
    }

    // --- every JWS x5c certificate is on the signer's path (§6) ---

    @Test
    void jws_whose_x5c_holds_a_certificate_that_does_not_certify_the_one_before_it() {
        ContainerSigning.Signed jws = ContainerSigning.jws(
                csv(),
                gateway.cnSigner,
                List.of(gateway.cnSigner.certificate(), gateway.sgCa.certificate(), gateway.cnCa.certificate()));

        refused(gateway.post(jws.path(), jws.body(), jws.contentType()), 403, "UNKNOWN_SIGNER", "x5c certificate 2");
    }

    @Test
    void jws_whose_x5c_ends_with_a_certificate_beyond_the_signer_path() {
        ContainerSigning.Signed jws = ContainerSigning.jws(
                csv(),
                gateway.cnSigner,
                List.of(gateway.cnSigner.certificate(), gateway.cnCa.certificate(), gateway.sgSigner.certificate()));

        refused(gateway.post(jws.path(), jws.body(), jws.contentType()), 403, "UNKNOWN_SIGNER", "x5c certificate 3");
    }

    @Test
    void jws_whose_x5c_is_the_signer_and_its_ca_is_accepted() {
        ContainerSigning.Signed jws = ContainerSigning.jws(
                csv(), gateway.cnSigner, List.of(gateway.cnSigner.certificate(), gateway.cnCa.certificate()));

        accepted(gateway.post(jws.path(), jws.body(), jws.contentType()));
    }

    private static byte[] concat(String before, byte[] body, String after) {
        byte[] head = before.getBytes(StandardCharsets.US_ASCII);
        byte[] tail = after.getBytes(StandardCharsets.US_ASCII);
        byte[] joined = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, joined, 0, head.length);
        System.arraycopy(body, 0, joined, head.length, body.length);
        System.arraycopy(tail, 0, joined, head.length + body.length, tail.length);
        return joined;
    }

    /** A one-operator AEO status list in XML whose id has the given country prefix, unsigned. */
    private static String aeoXml(String prefix) {
        String template = org.cbec.gateway.testing.Xmlsec1.AEO_STATUS_LIST_TEMPLATE;
        return (template.substring(0, template.indexOf("  <Signature")) + "</AEOStatusList>\n")
                .replace(
                        "{{ID}}",
                        prefix + Fixtures.load("valid/aeo-status-3-rows.csv").number());
    }

    private static byte[] csv() {
        return Fixtures.load("valid/aeo-status-3-rows.csv").bytes();
    }

    private void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String messageId = GatewayUnderTest.json(response).path("messageId").asText();
        assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                        .path("verdict")
                        .asText())
                .isEqualTo("ACCEPTED");
    }

    private JsonNode refused(HttpResponse<String> response, int status, String code, String detail) {
        JsonNode problem = gateway.refusedAndArchived(response, status, code);
        assertThat(problem.path("detail").asText()).contains(detail);
        assertThat(gateway.getJson(
                                "/api/v1/messages/" + problem.path("messageId").asText())
                        .path("verdict")
                        .asText())
                .as("the refusal is archived")
                .isEqualTo("REJECTED");
        return problem;
    }
}
