package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.xml.security.Init;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.signature.XMLSignature;
import org.apache.xml.security.transforms.Transforms;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.WsSecurityEnvelope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

/**
 * The SOAP WS-Security catalogue (issue 18): each case sends one envelope a partner's key signed with WSS4J, with
 * one defect named in the test, through {@code /soap/v1/exchange} of the real gateway, and asserts the fault's code
 * and readable reason, that the refusal was archived as evidence, and (at the end) that the gateway is healthy. The
 * XMLDSig cases of the shared algorithm check (every DigestMethod and transform) are here too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoapSecurityCatalogueTest {
    private static final String SOAP = "application/soap+xml; charset=utf-8";
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

    /** Wrapping: the signed, expired Timestamp moved to a header of its own, a fresh unsigned one in its place. */
    @Test
    void unsigned_fresh_timestamp_beside_signed_stale_one() {
        byte[] envelope = envelope()
                .signedTimestamp(Instant.now().minus(Duration.ofHours(2)), 300)
                .unsignedTimestampBeside(Instant.now())
                .bytes();

        fault(envelope, "MALFORMED_MESSAGE", "exactly one, in the Security header and signed");
    }

    /** A second signed Timestamp in a Security header for another role, which WSS4J does not read. */
    @Test
    void two_timestamps() {
        fault(
                envelope().secondSignedTimestampInAnotherSecurityHeader().bytes(),
                "MALFORMED_MESSAGE",
                "2 wsu:Timestamp elements");
    }

    @Test
    void sha1_reference_digest_under_rsa_sha256() {
        fault(envelope().digest(WsSecurityEnvelope.SHA1).bytes(), "ALGORITHM_NOT_ALLOWED", "SHA-1");
    }

    /** A base64 transform in front of the Body's canonicalisation: what is digested is no longer what is read. */
    @Test
    void reference_with_a_transform_outside_the_policy() {
        byte[] envelope = envelope()
                .signedInfoChanged(signedInfo -> {
                    Element transforms = (Element) signedInfo
                            .getElementsByTagNameNS(WsSecurityEnvelope.DSIG, "Transforms")
                            .item(0);
                    Element base64 =
                            signedInfo.getOwnerDocument().createElementNS(WsSecurityEnvelope.DSIG, "ds:Transform");
                    base64.setAttribute("Algorithm", Transforms.TRANSFORM_BASE64_DECODE);
                    transforms.insertBefore(base64, transforms.getFirstChild());
                })
                .bytes();

        fault(envelope, "ALGORITHM_NOT_ALLOWED", Transforms.TRANSFORM_BASE64_DECODE);
    }

    @Test
    void signed_info_canonicalisation_outside_the_policy() {
        byte[] envelope = envelope()
                .signedInfoChanged(signedInfo -> ((Element) signedInfo
                                .getElementsByTagNameNS(WsSecurityEnvelope.DSIG, "CanonicalizationMethod")
                                .item(0))
                        .setAttribute("Algorithm", Transforms.TRANSFORM_XPATH))
                .bytes();

        fault(envelope, "ALGORITHM_NOT_ALLOWED", "CanonicalizationMethod");
    }

    /** The fault showed WSS4J's message key: 'No message with ID "invalidTimestamp" found in resource bundle'. */
    @Test
    void expired_timestamp_fault_has_a_readable_reason_not_a_message_key() {
        byte[] envelope = envelope()
                .signedTimestamp(Instant.now().minus(Duration.ofHours(2)), 300)
                .bytes();

        String reason = fault(envelope, "STALE_MESSAGE", "Timestamp has expired");
        assertThat(reason)
                .doesNotContain("No message with ID")
                .doesNotContain("resource bundle")
                .doesNotContain("invalidTimestamp");
    }

    /** The same for a digest that does not match (the Body changed after signing). */
    @Test
    void changed_body_fault_has_a_readable_reason_not_a_message_key() {
        String signed = new String(envelope().bytes(), StandardCharsets.UTF_8);
        String body = signed.replaceAll("(?s).*<ex:Document>([^<]*)</ex:Document>.*", "$1");
        byte[] changed = signed.replace(
                        body,
                        java.util.Base64.getEncoder().encodeToString("aeo_id\r\n".getBytes(StandardCharsets.US_ASCII)))
                .getBytes(StandardCharsets.UTF_8);

        String reason = fault(changed, "SIGNATURE_INVALID", "SIGNATURE_INVALID: ");
        assertThat(reason).doesNotContain("No message with ID").doesNotContain("resource bundle");
    }

    // --- enveloped XMLDSig: the same shared check of every DigestMethod and transform ---

    @Test
    void xmldsig_sha1_reference_digest_under_rsa_sha256() {
        byte[] signed =
                xmldsig(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, "http://www.w3.org/2000/09/xmldsig#sha1", false);

        refused(gateway.post("/api/v1/inbound", signed, "application/xml"), 403, "ALGORITHM_NOT_ALLOWED");
    }

    @Test
    void xmldsig_reference_with_a_transform_outside_the_policy() {
        byte[] signed =
                xmldsig(XMLSignature.ALGO_ID_SIGNATURE_RSA_SHA256, "http://www.w3.org/2001/04/xmlenc#sha256", true);

        refused(gateway.post("/api/v1/inbound", signed, "application/xml"), 403, "ALGORITHM_NOT_ALLOWED");
    }

    private WsSecurityEnvelope envelope() {
        return new WsSecurityEnvelope(
                gateway.cnSigner, Fixtures.load("valid/aeo-status-3-rows.csv").bytes());
    }

    /** A SOAP fault (HTTP 500) with the code as Subcode and in the reason, archived with the message; the reason comes back. */
    private String fault(byte[] envelope, String code, String reasonContains) {
        HttpResponse<String> response = gateway.post("/soap/v1/exchange", envelope, SOAP);
        gateway.soapFaultArchived(response, code);
        assertThat(response.body()).contains("<soap:Value>ex:" + code + "</soap:Value>");
        String reason = response.body().replaceAll("(?s).*<soap:Text xml:lang=\"en\">(.*?)</soap:Text>.*", "$1");
        assertThat(reason)
                .as("the reason starts with the code")
                .startsWith(code + ": ")
                .contains(reasonContains);
        return reason;
    }

    private void refused(HttpResponse<String> response, int status, String code) {
        gateway.refusedAndArchived(response, status, code);
    }

    /** An AEO status list with an enveloped signature by the CN partner's key; with an XPath transform when asked. */
    private byte[] xmldsig(String signatureMethod, String digestMethod, boolean xpathTransform) {
        String xml = "<AEOStatusList xmlns=\"urn:cbec:aeo-status:1\"><ListType>DELTA</ListType></AEOStatusList>";
        try {
            javax.xml.parsers.DocumentBuilderFactory factory =
                    javax.xml.parsers.DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            org.w3c.dom.Document document = factory.newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            XMLSignature signature =
                    new XMLSignature(document, "", signatureMethod, Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS);
            document.getDocumentElement().appendChild(signature.getElement());
            Transforms transforms = new Transforms(document);
            transforms.addTransform(Transforms.TRANSFORM_ENVELOPED_SIGNATURE);
            if (xpathTransform) {
                Element xpath = document.createElementNS(WsSecurityEnvelope.DSIG, "ds:XPath");
                xpath.setTextContent("not(ancestor-or-self::*[local-name()='ListType'])");
                transforms.addTransform(Transforms.TRANSFORM_XPATH, xpath);
            }
            transforms.addTransform(Transforms.TRANSFORM_C14N_EXCL_OMIT_COMMENTS);
            signature.addDocument("", transforms, digestMethod);
            for (java.security.cert.X509Certificate certificate : gateway.cnSigner.chain()) {
                signature.addKeyInfo(certificate);
            }
            signature.sign(gateway.cnSigner.key());
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
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
}
