package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input catalogue: each case sends one defective or malicious message, named after its
 * defect, and asserts the exact answer, that the message was archived as evidence, and (at the end) that
 * the gateway is still healthy. The ordinary refusal of each signature and trust code is in {@link RefusalsTest};
 * hostile bytes in a signature container or a certificate are here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputCatalogueTest {
    private static final int MAX_BYTES = 262_144;
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root)
                .with("gateway.inbound.max-bytes", String.valueOf(MAX_BYTES))
                .start();
    }

    @AfterAll
    void healthyAfterTheCatalogue() {
        try {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    // --- the signature container ---

    @Test
    void empty_body() {
        refused(gateway.postCms(new byte[0]), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void truncated_der() {
        byte[] signed = signed("valid/aeo-status-3-rows.csv");
        refused(gateway.postCms(Fixtures.truncated(signed, 100)), 400, "MALFORMED_MESSAGE");
    }

    /** A row appended after the signed list: the archive would keep it as part of the signed message. */
    @Test
    void cms_followed_by_unsigned_bytes() {
        byte[] signed = signed("valid/aeo-status-3-rows.csv");
        byte[] appended =
                Fixtures.loadBytes("hostile/cms-followed-by-unsigned-bytes.csv").bytes();
        refused(gateway.postCms(org.bouncycastle.util.Arrays.concatenate(signed, appended)), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void pem_with_garbage() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        "-----BEGIN PKCS7-----\n!!!garbage***\n-----END PKCS7-----\n"
                                .getBytes(StandardCharsets.US_ASCII),
                        "application/pkcs7-mime"),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void random_bytes_as_cms() {
        byte[] noise = new byte[4096];
        new java.util.Random(42).nextBytes(noise);
        refused(gateway.postCms(noise), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void cms_with_no_signer() {
        refused(
                gateway.postCms(TestPki.signCmsBy(
                        Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), List.of(), true)),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void cms_with_two_signers() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();
        refused(
                gateway.postCms(TestPki.signCmsBy(csv, List.of(gateway.cnSigner, gateway.sgSigner), true)),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void cms_carrying_other_content_than_its_signer_signed_with_its_digest_algorithm_unlisted() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();
        refused(
                gateway.postCms(TestPki.signCmsCarryingOtherContent(new byte[0], csv, gateway.cnSigner)),
                403,
                "SIGNATURE_INVALID");
    }

    @Test
    void cms_whose_signer_key_is_a_malformed_rsa_key() {
        // Found by fuzzing: Bouncy Castle refuses the key with an unchecked exception when it is first read.
        refused(
                gateway.postCms(Fixtures.loadBytes("hostile/cms-signer-key-rsa-modulus-with-a-small-factor.p7m")
                        .bytes()),
                403,
                "SIGNATURE_INVALID");
    }

    @Test
    void cms_carrying_a_malformed_certificate() {
        // Found by fuzzing: Bouncy Castle parses the certificates when first asked, and refuses them unchecked.
        refused(
                gateway.postCms(Fixtures.loadBytes("hostile/cms-carrying-a-certificate-with-an-unknown-tag.p7m")
                        .bytes()),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void signer_without_certificate() {
        byte[] csv = Fixtures.load("valid/aeo-status-3-rows.csv").bytes();
        refused(gateway.postCms(TestPki.signCmsBy(csv, List.of(gateway.cnSigner), false)), 403, "UNKNOWN_SIGNER");
    }

    @Test
    void wrong_content_type() {
        refused(
                gateway.post("/api/v1/inbound", signed("valid/aeo-status-3-rows.csv"), "text/plain"),
                415,
                "UNSUPPORTED_FORMAT");
    }

    @Test
    void no_content_type() {
        refused(
                gateway.post("/api/v1/inbound", signed("valid/aeo-status-3-rows.csv"), null),
                415,
                "UNSUPPORTED_FORMAT");
    }

    @Test
    void content_encoding_the_gateway_does_not_accept() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(inbound())
                .header("Content-Type", "application/pkcs7-mime")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(signed("valid/aeo-status-3-rows.csv")))
                .build();
        refused(
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()),
                415,
                "UNSUPPORTED_FORMAT");
    }

    @Test
    void body_over_the_limit_sent_chunked() throws Exception {
        byte[] big = new byte[MAX_BYTES + 10_000];
        // An InputStream publisher has no length: the request goes out with Transfer-Encoding: chunked.
        HttpRequest request = HttpRequest.newBuilder(inbound())
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        refused(
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()),
                413,
                "PAYLOAD_TOO_LARGE");
    }

    /**
     * Past the HTTP server's hard ceiling (twice the limit and 64 KiB) the body is not read, so there is nothing to
     * archive: still the gateway's problem with its code, without a messageId (as for shed load).
     */
    @Test
    void body_past_the_hard_ceiling_sent_chunked() throws Exception {
        byte[] huge = new byte[2 * MAX_BYTES + 65_536 + 10_000];
        HttpRequest request = HttpRequest.newBuilder(inbound())
                .header("Content-Type", "application/pkcs7-mime")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = GatewayUnderTest.json(response);
        assertThat(problem.path("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(problem.path("detail").asText())
                .contains(String.valueOf(MAX_BYTES))
                .contains("not read");
        assertThat(problem.has("messageId")).isFalse();
    }

    @Test
    void jws_with_alg_none() {
        String header = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Fixtures.load("valid/ecom-shipment.json").bytes());
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        (header + "." + payload + ".").getBytes(StandardCharsets.US_ASCII),
                        "application/jose"),
                403,
                "ALGORITHM_NOT_ALLOWED");
    }

    @Test
    void jws_in_json_serialisation() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        "{\"payload\":\"e30\",\"signatures\":[]}".getBytes(StandardCharsets.US_ASCII),
                        "application/jose"),
                400,
                "MALFORMED_MESSAGE");
    }

    /** Found by fuzzing: Bouncy Castle refused the x5c signer's key (a point off its curve) unchecked when first read; it was a 500. */
    @Test
    void jws_whose_signer_key_is_an_ec_point_off_its_curve() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.loadBytes("hostile/jws-signer-key-ec-point-off-its-curve.jose")
                                .bytes(),
                        "application/jose"),
                403,
                "SIGNATURE_INVALID");
    }

    /** Found beside the one above: for a key algorithm it does not know, Bouncy Castle gives no key (null); it was a 500. */
    @Test
    void jws_whose_signer_key_is_of_an_unknown_algorithm() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.loadBytes("hostile/jws-signer-key-of-an-unknown-algorithm.jose")
                                .bytes(),
                        "application/jose"),
                403,
                "SIGNATURE_INVALID");
    }

    /**
     * No key of the partner is needed, only its CA's name: an intermediate that names the partner CA as its issuer
     * and carries an EC point off its curve. The JDK's path validator read that key before it checked the
     * intermediate's signature, and Bouncy Castle refused it unchecked: a 500 (found beside the fuzzing above).
     */
    @Test
    void jws_whose_chain_holds_a_forged_intermediate_with_an_unreadable_key() throws Exception {
        X500Name partnerCa = X500Name.getInstance(
                gateway.cnCa.certificate().getSubjectX500Principal().getEncoded());
        X500Name forgedName = new X500Name("CN=Forged Intermediate,C=XX");
        KeyPair forger = TestPki.rsa(2048);
        SubjectPublicKeyInfo ecKey =
                SubjectPublicKeyInfo.getInstance(TestPki.ecP256().getPublic().getEncoded());
        byte[] pointOffItsCurve = ecKey.getPublicKeyData().getBytes();
        pointOffItsCurve[pointOffItsCurve.length - 1] ^= 1;
        Date from = Date.from(Instant.now().minus(Duration.ofDays(1)));
        Date to = Date.from(Instant.now().plus(Duration.ofDays(1)));
        ContentSigner forgerSigns = new JcaContentSignerBuilder("SHA256withRSA").build(forger.getPrivate());
        byte[] intermediate = new X509v3CertificateBuilder(
                        partnerCa,
                        BigInteger.TWO,
                        from,
                        to,
                        forgedName,
                        new SubjectPublicKeyInfo(ecKey.getAlgorithm(), pointOffItsCurve))
                .build(forgerSigns)
                .getEncoded();
        KeyPair signerKeys = TestPki.rsa(2048);
        byte[] signer = new X509v3CertificateBuilder(
                        forgedName,
                        BigInteger.TEN,
                        from,
                        to,
                        new X500Name("CN=Forged Signer,C=XX"),
                        SubjectPublicKeyInfo.getInstance(signerKeys.getPublic().getEncoded()))
                .build(forgerSigns)
                .getEncoded();
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .x509CertChain(List.of(
                                com.nimbusds.jose.util.Base64.encode(signer),
                                com.nimbusds.jose.util.Base64.encode(intermediate)))
                        .build(),
                new Payload(Fixtures.load("valid/ecom-shipment.json").bytes()));
        jws.sign(new RSASSASigner(signerKeys.getPrivate()));
        refused(
                gateway.post(
                        "/api/v1/inbound", jws.serialize().getBytes(StandardCharsets.US_ASCII), "application/jose"),
                403,
                "UNKNOWN_SIGNER");
    }

    @Test
    void smime_without_boundary() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        "--x\r\n\r\nhello\r\n--x--\r\n".getBytes(StandardCharsets.US_ASCII),
                        "multipart/signed; protocol=\"application/pkcs7-signature\""),
                400,
                "MALFORMED_MESSAGE");
    }

    /** Found by fuzzing: an unknown digest algorithm under rsaEncryption made Bouncy Castle throw unchecked; it was a 500. */
    @Test
    void smime_whose_signer_digest_algorithm_is_unknown() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.loadBytes("hostile/smime-signer-digest-algorithm-unknown-under-rsa-encryption.eml")
                                .bytes(),
                        "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"B\""),
                403,
                "SIGNATURE_INVALID");
    }

    @Test
    void signed_xml_with_a_doctype() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.load("hostile/xml-external-entity.xml").bytes(),
                        "application/xml"),
                400,
                "MALFORMED_MESSAGE");
    }

    /** Found by fuzzing: Santuario decoded the SignatureValue only while verifying, and failed on bad base64 unchecked; it was a 500. */
    @Test
    void signed_xml_whose_signature_value_is_not_base64() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.loadBytes("hostile/xmldsig-signature-value-not-base64.xml")
                                .bytes(),
                        "application/xml"),
                400,
                "MALFORMED_MESSAGE");
    }

    /** The same for a DigestValue, which is decoded once the signature value verifies: the sender signed it with its own key. */
    @Test
    void signed_xml_whose_digest_value_is_not_base64_under_a_signature_value_that_verifies() {
        refused(
                gateway.post(
                        "/api/v1/inbound",
                        Fixtures.loadBytes(
                                        "hostile/xmldsig-digest-value-not-base64-under-a-signature-value-that-verifies.xml")
                                .bytes(),
                        "application/xml"),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void soap_1_1_envelope() {
        String envelope = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";
        HttpResponse<String> response =
                gateway.post("/soap/v1/exchange", envelope.getBytes(StandardCharsets.UTF_8), "text/xml");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("ex:MALFORMED_MESSAGE");
    }

    /** Found by fuzzing: WSS4J decoded a key identifier that is not base64 with Santuario, which failed unchecked. */
    @Test
    void soap_x509_key_identifier_not_base64() {
        soapFault(
                gateway.post(
                        "/soap/v1/exchange",
                        Fixtures.loadBytes("hostile/soap-x509-key-identifier-not-base64.xml")
                                .bytes(),
                        "application/soap+xml"),
                "MALFORMED_MESSAGE");
    }

    /** Found beside it: the same for the certificate in a BinarySecurityToken. */
    @Test
    void soap_binary_security_token_not_base64() {
        soapFault(
                gateway.post(
                        "/soap/v1/exchange",
                        Fixtures.loadBytes("hostile/soap-binary-security-token-not-base64.xml")
                                .bytes(),
                        "application/soap+xml"),
                "MALFORMED_MESSAGE");
    }

    // --- the business document inside a valid signature ---

    @Test
    void xml_external_entity() {
        refused(gateway.postCms(signed("hostile/xml-external-entity.xml")), 422, "SCHEMA_INVALID");
    }

    @Test
    void xml_entity_expansion() {
        refused(gateway.postCms(signed("hostile/xml-entity-expansion.xml")), 422, "SCHEMA_INVALID");
    }

    @Test
    void xml_external_dtd() {
        refused(gateway.postCms(signed("hostile/xml-external-dtd.xml")), 422, "SCHEMA_INVALID");
    }

    @Test
    void deeply_nested_xml() {
        String deep = "<x>".repeat(5000) + "</x>".repeat(5000);
        String xml = "<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\">" + deep + "</AEOStatusList>";
        refused(
                gateway.postCms(TestPki.signCms(xml.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void deeply_nested_json() {
        String json = "{\"documentType\":\"ECOM_SHIPMENT\",\"waybillNo\":\"784-1\",\"x\":" + "[".repeat(5000)
                + "]".repeat(5000) + "}";
        refused(
                gateway.postCms(TestPki.signCms(json.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void huge_numbers_in_json() {
        refused(gateway.postCms(signed("hostile/json-huge-number.json")), 422, "SCHEMA_INVALID");
    }

    /** Short enough for the number-length limit, but an exponent no decimal holds (found by fuzzing: it was a 500). */
    @Test
    void json_number_exponent_out_of_range() {
        refused(gateway.postCms(signed("hostile/json-number-exponent-out-of-range.json")), 422, "SCHEMA_INVALID");
    }

    /** A decimal whose digits before the point overflowed an int in the range check (found in review: it was a 500). */
    @Test
    void json_amount_exponent_near_the_largest_int() {
        refused(gateway.postCms(signed("hostile/json-amount-exponent-near-int-limit.json")), 422, "SCHEMA_INVALID");
    }

    @Test
    void huge_string_in_json() {
        String json = "{\"documentType\":\"ECOM_SHIPMENT\",\"waybillNo\":\"" + "9".repeat(200_000) + "\"}";
        refused(
                gateway.postCms(TestPki.signCms(json.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void json_with_duplicate_keys() {
        refused(gateway.postCms(signed("hostile/json-duplicate-keys.json")), 422, "SCHEMA_INVALID");
    }

    @Test
    void json_with_trailing_garbage() {
        refused(gateway.postCms(signed("hostile/json-trailing-garbage.json")), 422, "SCHEMA_INVALID");
    }

    @Test
    void json_of_an_unknown_document_type() {
        refused(gateway.postCms(signed("invalid/unknown-document-type.json")), 415, "UNSUPPORTED_FORMAT");
    }

    @Test
    void invalid_utf8_in_csv() {
        refused(
                gateway.postCms(TestPki.signCms(
                        Fixtures.loadBytes("hostile/csv-invalid-utf8.csv").bytes(), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void csv_with_unbalanced_quotes() {
        refused(gateway.postCms(signed("hostile/csv-unbalanced-quotes.csv")), 422, "SCHEMA_INVALID");
    }

    @Test
    void csv_with_extra_columns() {
        refused(gateway.postCms(signed("hostile/csv-extra-columns.csv")), 422, "SCHEMA_INVALID");
    }

    /** Control bytes in an element: the EDIFACT reader reports an error it cannot give the text of (found by fuzzing: a 500). */
    @Test
    void edifact_element_error_whose_text_the_reader_cannot_give() {
        byte[] edifact = Fixtures.loadBytes("hostile/edifact-element-error-whose-text-the-reader-cannot-give.edi")
                .bytes();
        refused(gateway.postCms(TestPki.signCms(edifact, gateway.cnSigner)), 422, "SCHEMA_INVALID");
    }

    @Test
    void edifact_with_a_broken_release_character() {
        refused(gateway.postCms(signed("hostile/edifact-broken-release-character.edi")), 422, "SCHEMA_INVALID");
    }

    @Test
    void csv_with_a_byte_order_mark_is_accepted() {
        accepted(gateway.postCms(signed("hostile/csv-with-byte-order-mark.csv")));
    }

    @Test
    void csv_formula_cells_are_kept_as_plain_text() {
        Fixtures.Document csv = Fixtures.load("hostile/csv-formula-cells.csv");
        accepted(gateway.postCms(TestPki.signCms(csv.bytes(), gateway.cnSigner)));
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 1);
        JsonNode record = gateway.national()
                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                .get(0)
                .record();
        assertThat(record.path("operatorName").asText()).isEqualTo("=HYPERLINK(\"http://evil.example\",\"click\")");
        assertThat(record.path("statusReason").asText()).isEqualTo("@cmd");
    }

    private byte[] signed(String fixture) {
        return TestPki.signCms(Fixtures.load(fixture).bytes(), gateway.cnSigner);
    }

    private URI inbound() {
        return URI.create("http://127.0.0.1:" + gateway.runtime().httpPort() + "/api/v1/inbound");
    }

    private void accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String messageId = GatewayUnderTest.json(response).path("messageId").asText();
        assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                        .path("verdict")
                        .asText())
                .isEqualTo("ACCEPTED");
    }

    /** A SOAP fault (HTTP 500, as SOAP 1.2 answers every fault) with the refusal code, archived with the message. */
    private void soapFault(HttpResponse<String> response, String code) {
        gateway.soapFaultArchived(response, code);
    }

    private void refused(HttpResponse<String> response, int status, String code) {
        gateway.refusedAndArchived(response, status, code);
    }
}
