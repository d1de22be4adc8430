package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.WsSecurityEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parsers fail closed with evidence (issue 18): each case sends input nested 10,000 levels deep, or a field a
 * database cannot store, to one container or parser of the real gateway, and asserts the status, the code, the
 * evidence record of the refusal and (at the end) that the gateway is still healthy. Before, nesting ended in a
 * StackOverflowError: a bare 500 and no evidence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParserLimitsCatalogueTest {
    private static final int LEVELS = 10_000;
    GatewayUnderTest gateway;

    @BeforeAll
    void start(@TempDir Path root) {
        Init.init();
        gateway = new GatewayUnderTest(root).start();
    }

    @AfterAll
    void healthyAfterTheCatalogue() {
        try {
            assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
        } finally {
            gateway.close();
        }
    }

    // --- BER/DER before Bouncy Castle or the JDK parses it ---

    @Test
    void cms_ber_nested_10000_levels() {
        refused(gateway.postCms(nestedBer(LEVELS)), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void pem_block_of_ber_nested_10000_levels() {
        String pem = "-----BEGIN CMS-----\n" + Base64.getMimeEncoder().encodeToString(nestedBer(LEVELS))
                + "\n-----END CMS-----\n";
        refused(
                gateway.post("/api/v1/inbound", pem.getBytes(StandardCharsets.US_ASCII), "application/pkcs7-mime"),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void cms_certificate_bag_nested_10000_levels() {
        refused(gateway.postCms(signedDataWithCertificates(nestedBer(LEVELS))), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void smime_signature_part_of_ber_nested_10000_levels() {
        refused(
                gateway.post("/api/v1/inbound", multipartSigned(signedDataWithCertificates(nestedBer(LEVELS))), SMIME),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void smime_part_nested_10000_multiparts() {
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < LEVELS; i++) {
            part.append("Content-Type: multipart/mixed; boundary=\"b")
                    .append(i)
                    .append("\"\r\n\r\n--b")
                    .append(i)
                    .append("\r\n");
        }
        part.append("Content-Type: text/plain\r\n\r\nx");
        for (int i = LEVELS - 1; i >= 0; i--) {
            part.append("\r\n--b").append(i).append("--");
        }
        String body = "--B\r\n" + part
                + "\r\n--B\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder()
                        .encodeToString(TestPki.signCms("x".getBytes(StandardCharsets.US_ASCII), gateway.cnSigner))
                + "\r\n--B--\r\n";
        refused(
                gateway.post("/api/v1/inbound", body.getBytes(StandardCharsets.US_ASCII), SMIME),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void xmldsig_x509certificate_nested_ber() {
        String signed = new String(xmldsig(), StandardCharsets.UTF_8);
        String certificate = signed.replaceAll("(?s).*?<ds:X509Certificate>([^<]*)</ds:X509Certificate>.*", "$1");
        byte[] hostile = signed.replace(certificate, Base64.getEncoder().encodeToString(nestedBer(LEVELS)))
                .getBytes(StandardCharsets.UTF_8);
        refused(gateway.post("/api/v1/inbound", hostile, "application/xml"), 400, "MALFORMED_MESSAGE");
    }

    @Test
    void soap_binary_security_token_nested_ber() {
        String envelope = new String(
                new WsSecurityEnvelope(
                                gateway.cnSigner,
                                Fixtures.load("valid/aeo-status-3-rows.csv").bytes())
                        .bytes(),
                StandardCharsets.UTF_8);
        String token =
                envelope.replaceAll("(?s).*<wsse:BinarySecurityToken[^>]*>([^<]*)</wsse:BinarySecurityToken>.*", "$1");
        byte[] hostile = envelope.replace(token, Base64.getEncoder().encodeToString(nestedBer(LEVELS)))
                .getBytes(StandardCharsets.UTF_8);
        soapFault(gateway.post("/soap/v1/exchange", hostile, "application/soap+xml"), "MALFORMED_MESSAGE");
    }

    @Test
    void jws_x5c_certificate_nested_ber() {
        String header =
                "{\"alg\":\"RS256\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(nestedBer(LEVELS)) + "\"]}";
        String jws = b64url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64url("{}".getBytes(StandardCharsets.UTF_8)) + ".AAAA";
        refused(
                gateway.post("/api/v1/inbound", jws.getBytes(StandardCharsets.US_ASCII), "application/jose"),
                400,
                "MALFORMED_MESSAGE");
    }

    // --- XML and JSON ---

    @Test
    void soap_deep_xml() {
        String envelope = "<soap:Envelope xmlns:soap=\"" + WsSecurityEnvelope.SOAP12 + "\"><soap:Header>"
                + "<x>".repeat(LEVELS) + "</x>".repeat(LEVELS) + "</soap:Header><soap:Body/></soap:Envelope>";
        soapFault(
                gateway.post("/soap/v1/exchange", envelope.getBytes(StandardCharsets.UTF_8), "application/soap+xml"),
                "MALFORMED_MESSAGE");
    }

    @Test
    void xml_document_nested_10000_levels() {
        String xml = "<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\">" + "<x>".repeat(LEVELS) + "</x>".repeat(LEVELS)
                + "</AEOStatusList>";
        refused(
                gateway.postCms(TestPki.signCms(xml.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void json_deep_nesting_in_jws_header() {
        String header = "{\"alg\":\"RS256\",\"x\":" + "[".repeat(LEVELS) + "]".repeat(LEVELS) + "}";
        String jws = b64url(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64url("{}".getBytes(StandardCharsets.UTF_8)) + ".AAAA";
        refused(
                gateway.post("/api/v1/inbound", jws.getBytes(StandardCharsets.US_ASCII), "application/jose"),
                400,
                "MALFORMED_MESSAGE");
    }

    @Test
    void json_deep_nesting_in_jws_payload() throws Exception {
        String json = "{\"documentType\":\"ECOM_SHIPMENT\",\"waybillNo\":\"784-1\",\"x\":" + "[".repeat(LEVELS)
                + "]".repeat(LEVELS) + "}";
        List<com.nimbusds.jose.util.Base64> chain = new ArrayList<>();
        for (X509Certificate certificate : gateway.cnSigner.chain()) {
            chain.add(com.nimbusds.jose.util.Base64.encode(certificate.getEncoded()));
        }
        JWSObject jws = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.RS256).x509CertChain(chain).build(),
                new Payload(json.getBytes(StandardCharsets.UTF_8)));
        jws.sign(new RSASSASigner(gateway.cnSigner.key()));
        refused(
                gateway.post(
                        "/api/v1/inbound", jws.serialize().getBytes(StandardCharsets.US_ASCII), "application/jose"),
                422,
                "SCHEMA_INVALID");
    }

    @Test
    void json_deep_nesting_in_json_document() {
        String json = "{\"documentType\":\"ECOM_SHIPMENT\",\"waybillNo\":\"784-1\",\"x\":" + "{\"a\":".repeat(LEVELS)
                + "1" + "}".repeat(LEVELS) + "}";
        refused(
                gateway.postCms(TestPki.signCms(json.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
    }

    // --- fields a database cannot store, and decimals ---

    @Test
    void nul_byte_in_operator_name() {
        String csv = Fixtures.load("valid/aeo-status-3-rows.csv")
                .text()
                .replace("Shenzhen Bright Export", "Shenzhen\u0000Bright Export");
        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(csv.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
        assertThat(problem.path("errors").toString()).contains("line 2, column").contains("NUL");
    }

    /** The same character written as a JSON escape, which no byte scan sees: refused where JSON fields are read. */
    @Test
    void nul_escape_in_json_seller_name() {
        String json = Fixtures.load("valid/ecom-shipment.json")
                .text()
                .replace("Shenzhen Bright Export", "Shenzhen\\u0000Bright Export");
        JsonNode problem = refused(
                gateway.postCms(TestPki.signCms(json.getBytes(StandardCharsets.UTF_8), gateway.cnSigner)),
                422,
                "SCHEMA_INVALID");
        assertThat(problem.path("errors").toString()).contains("/seller/name").contains("NUL");
    }

    /** 20 significant digits: as a double both quantities were 1.0, one record version, and the change was never forwarded. */
    @Test
    void long_decimal_quantity_is_a_new_version() {
        Fixtures.Document shipment = Fixtures.load("valid/ecom-shipment.json");
        String first = shipment.text().replace("\"qty\":2", "\"qty\":1.0000000000000000001");
        String second = shipment.text().replace("\"qty\":2", "\"qty\":1.0000000000000000002");
        HttpResponse<String> firstAnswer =
                gateway.postCms(TestPki.signCms(first.getBytes(StandardCharsets.UTF_8), gateway.cnSigner));
        assertThat(firstAnswer.statusCode()).isEqualTo(202);
        assertThat(gateway.postCms(TestPki.signCms(second.getBytes(StandardCharsets.UTF_8), gateway.cnSigner))
                        .statusCode())
                .isEqualTo(202);

        String prefix = "CN-GACC:784-" + shipment.number();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .alias("both versions forwarded")
                .until(() -> gateway.national().receivedWithKeyPrefix(prefix).size() == 2);
        List<String> records = gateway.national().receivedWithKeyPrefix(prefix).stream()
                .map(received -> received.text())
                .toList();
        assertThat(records)
                .anySatisfy(text -> assertThat(text).contains("\"quantity\":1.0000000000000000001"))
                .anySatisfy(text -> assertThat(text).contains("\"quantity\":1.0000000000000000002"));
        // and the operators' view of the message shows the quantity as received
        String messageId = GatewayUnderTest.json(firstAnswer).path("messageId").asText();
        assertThat(gateway.get("/api/v1/messages/" + messageId).body()).contains("\"quantity\":1.0000000000000000001");
    }

    // --- helpers ---

    private static final String SMIME =
            "multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"B\"";

    /** SEQUENCEs of indefinite length inside each other: two bytes a level, so 10,000 levels are 40 kB. */
    static byte[] nestedBer(int levels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(levels * 4);
        for (int i = 0; i < levels; i++) {
            out.write(0x30);
            out.write(0x80);
        }
        for (int i = 0; i < levels; i++) {
            out.write(0);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** ContentInfo / SignedData (BER, indefinite lengths) with no signer and this as its certificates [0]. */
    static byte[] signedDataWithCertificates(byte[] certificates) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                hex("3080 0609 2a864886f70d010702 a080 3080 020101 3100 3080 0609 2a864886f70d010701 0000 a080"));
        out.writeBytes(certificates);
        out.writeBytes(hex("0000 3100 0000 0000 0000"));
        return out.toByteArray();
    }

    private byte[] multipartSigned(byte[] signature) {
        String body = "--B\r\nContent-Type: text/plain\r\n\r\n"
                + Fixtures.load("valid/aeo-status-3-rows.csv").text()
                + "\r\n--B\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(signature) + "\r\n--B--\r\n";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String text) {
        return java.util.HexFormat.of().parseHex(text.replace(" ", ""));
    }

    private static String b64url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** An AEO status list with an enveloped signature by the CN partner's key. */
    private byte[] xmldsig() {
        String xml = "<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\"><ListType>DELTA</ListType></AEOStatusList>";
        try {
            javax.xml.parsers.DocumentBuilderFactory factory =
                    javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            org.w3c.dom.Document document = factory.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            XMLSignature signature = new XMLSignature(
                    document,
                    "",
                    XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256,
                    Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            document.getDocumentElement().appendChild(signature.getElement());
            Transforms transforms = new Transforms(document);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, "http://www.w3.org/2001/04/xmlenc#sha256");
            for (X509Certificate certificate : gateway.cnSigner.chain()) {
                signature.addKeyInfo(certificate);
            }
            signature.sign(gateway.cnSigner.key());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            javax.xml.transform.TransformerFactory.newDefaultInstance()
                    .newTransformer()
                    .transform(
                            new javax.xml.transform.dom.DOMSource(document),
                            new javax.xml.transform.stream.StreamResult(out));
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test document", e);
        }
    }

    private JsonNode refused(HttpResponse<String> response, int status, String code) {
        JsonNode problem = gateway.refusedAndArchived(response, status, code);
        assertThat(problem.path("detail").asText())
                .as("no internal text goes back to the sender")
                .doesNotContainIgnoringCase("exception")
                .doesNotContain("org.")
                .doesNotContain("java.")
                .doesNotContainIgnoringCase("sql");
        return problem;
    }

    private void soapFault(HttpResponse<String> response, String code) {
        gateway.soapFaultArchived(response, code);
    }
}
