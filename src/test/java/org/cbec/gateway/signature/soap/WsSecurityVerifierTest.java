package org.cbec.gateway.signature.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.testing.TestPki;
import org.cbec.gateway.testing.TestPki.Credential;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Node;

/**
 * A SOAP 1.2 envelope signed with WS-Security, as a partner's WSS4J signs it, read by the verifier alone: the
 * exchange through the intake is in {@code SoapExchangeTest}. Each test changes one thing about the header.
 */
class WsSecurityVerifierTest {
    private static final String CONTENT_TYPE = "application/soap+xml";
    private static final String CSV = "aeo_id,operator_name,status\r\nCN0001,Shenzhen Bright Export,ACTIVE\r\n";
    private static Credential signer;

    private final WsSecurityVerifier verifier = new WsSecurityVerifier(900, 600);

    @BeforeAll
    static void pki() {
        signer = TestPki.signer(
                TestPki.certificateAuthority("CN=SOAP Test CA,O=CN-GACC,C=CN"), "CN=SOAP Test Signer,O=CN-GACC,C=CN");
    }

    @Test
    void accepts_body_and_timestamp_signed_with_the_certificate_in_an_x509_key_identifier() throws Exception {
        byte[] envelope = serialise(signed(WSConstants.X509_KEY_IDENTIFIER));

        assertThat(verifier.open(envelope, CONTENT_TYPE).signer()).isEqualTo(signer.certificate());
        assertThat(verifier.open(envelope, CONTENT_TYPE).content()).isEqualTo(CSV.getBytes(StandardCharsets.UTF_8));
    }

    /** Found by fuzzing: WSS4J decodes the key identifier with Santuario, which fails on bad base64 unchecked (a 500). */
    @Test
    void refuses_an_x509_key_identifier_that_is_not_base64_as_malformed_message() throws Exception {
        Document envelope = signed(WSConstants.X509_KEY_IDENTIFIER);

        notBase64(envelope.getElementsByTagNameNS(WSConstants.WSSE_NS, "KeyIdentifier")
                .item(0));

        assertRefusedAsMalformed(serialise(envelope));
    }

    /** Found beside it: the same for the certificate in a BinarySecurityToken, which WSS4J reads before the signature. */
    @Test
    void refuses_a_binary_security_token_that_is_not_base64_as_malformed_message() throws Exception {
        Document envelope = signed(WSConstants.BST_DIRECT_REFERENCE);

        notBase64(envelope.getElementsByTagNameNS(WSConstants.WSSE_NS, "BinarySecurityToken")
                .item(0));

        assertRefusedAsMalformed(serialise(envelope));
    }

    /** One character more than a whole number of bytes, padded or not: no base64 decoder takes it. */
    private static void notBase64(Node value) {
        value.setTextContent(value.getTextContent().strip() + "A");
    }

    private void assertRefusedAsMalformed(byte[] envelope) {
        assertThatThrownBy(() -> verifier.open(envelope, CONTENT_TYPE))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.error()).as(e.detail()).isEqualTo(GatewayError.MALFORMED_MESSAGE);
                    assertThat(e.detail()).contains("WS-Security header cannot be processed");
                });
    }

    /** Body and Timestamp signed now, the certificate referred to the way given (WSConstants.*_KEY_IDENTIFIER etc.). */
    private static Document signed(int keyIdentifierType) throws Exception {
        String xml = "<soap:Envelope xmlns:soap=\"" + SoapXml.SOAP12 + "\"><soap:Body><ex:SubmitDocument xmlns:ex=\""
                + SoapXml.EXCHANGE
                + "\"><ex:Document>" + Base64.getEncoder().encodeToString(CSV.getBytes(StandardCharsets.UTF_8))
                + "</ex:Document></ex:SubmitDocument></soap:Body></soap:Envelope>";
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document envelope =
                factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        WSSecHeader header = new WSSecHeader(envelope);
        header.insertSecurityHeader();
        WSSecTimestamp timestamp = new WSSecTimestamp(header);
        timestamp.setTimeToLive(300);
        timestamp.build();
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo("partner", "partner-key");
        signature.setKeyIdentifierType(keyIdentifierType);
        signature.setSignatureAlgorithm("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
        signature.getParts().add(new WSEncryptionPart("Body", SoapXml.SOAP12, "Element"));
        signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
        signature.build(keyCrypto());
        return envelope;
    }

    private static Merlin keyCrypto() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "partner",
                signer.key(),
                "partner-key".toCharArray(),
                signer.chain().toArray(new X509Certificate[0]));
        Merlin crypto = new Merlin();
        crypto.setKeyStore(store);
        return crypto;
    }

    private static byte[] serialise(Document envelope) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(envelope), new StreamResult(out));
        return out.toByteArray();
    }
}
