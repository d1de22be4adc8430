package org.cbec.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import jakarta.xml.ws.Dispatch;
import jakarta.xml.ws.Service;
import jakarta.xml.ws.soap.SOAPFaultException;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.jaxws.DispatchImpl;
import org.apache.cxf.ws.security.wss4j.WSS4JInInterceptor;
import org.apache.cxf.ws.security.wss4j.WSS4JOutInterceptor;
import org.apache.wss4j.common.ConfigurationConstants;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSPasswordCallback;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.cbec.gateway.testing.Fixtures;
import org.cbec.gateway.testing.GatewayUnderTest;
import org.cbec.gateway.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * SOAP partners: a real Apache CXF JAX-WS client signs its request with WSS4J (Timestamp and X.509
 * signature over the Body), and verifies the gateway's WS-Security signed answer against the gateway CA.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SoapExchangeTest {
    private static final String NS = "urn:cbec:gateway:exchange:1";
    private static final String PASSWORD = "partner-key";
    GatewayUnderTest gateway;
    String base;

    @BeforeAll
    void start(@TempDir Path root) {
        gateway = new GatewayUnderTest(root).start();
        base = "http://127.0.0.1:" + gateway.runtime().httpPort();
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    @Test
    void a_cxf_client_signing_with_wss4j_is_accepted_and_gets_a_signed_answer() throws Exception {
        Fixtures.Document csv = Fixtures.load("valid/aeo-status-3-rows.csv");

        Source answer = cxfClient(gateway.cnSigner).invoke(submit(csv.bytes()));

        String xml = text(answer);
        assertThat(xml)
                .contains("<ex:Status>ACCEPTED</ex:Status>")
                .contains("<ex:Partner>CN-GACC</ex:Partner>")
                .contains("<ex:Records>3</ex:Records>");
        String messageId = xml.replaceAll("(?s).*<ex:MessageId>([0-9A-Z]+)</ex:MessageId>.*", "$1");
        await().atMost(Duration.ofSeconds(30))
                .alias("message " + messageId + " forwarded")
                .until(() -> gateway.national()
                                .receivedWithKeyPrefix("CN-GACC:CN" + csv.number())
                                .size()
                        == 3);
    }

    @Test
    void the_wsdl_is_served_at_query_wsdl() {
        HttpResponse<String> wsdl = gateway.get("/soap/v1/exchange?wsdl");

        assertThat(wsdl.statusCode()).isEqualTo(200);
        assertThat(wsdl.body())
                .contains("soap12:binding")
                .contains("SubmitDocument")
                .contains("/soap/v1/exchange");
    }

    @Test
    void a_signer_from_an_untrusted_ca_gets_a_fault_with_unknown_signer() {
        TestPki.Credential rogue =
                TestPki.signer(TestPki.certificateAuthority("CN=Rogue SOAP CA,C=XX"), "CN=Rogue,C=XX");
        Dispatch<Source> client = cxfClient(rogue);

        assertThatThrownBy(() -> client.invoke(
                        submit(Fixtures.load("valid/aeo-status-3-rows.csv").bytes())))
                .isInstanceOfSatisfying(
                        SOAPFaultException.class,
                        fault -> assertThat(fault.getFault()
                                        .getFaultSubcodes()
                                        .next()
                                        .getLocalPart())
                                .isEqualTo("UNKNOWN_SIGNER"));
    }

    @Test
    void an_expired_timestamp_is_a_stale_message_fault() throws Exception {
        byte[] envelope = signedEnvelope(
                gateway.cnSigner,
                Fixtures.load("valid/aeo-status-3-rows.csv").bytes(),
                Instant.now().minus(Duration.ofHours(2)),
                true);

        HttpResponse<String> response =
                gateway.post("/soap/v1/exchange", envelope, "application/soap+xml; charset=utf-8");

        assertFault(response, 500, "STALE_MESSAGE");
    }

    @Test
    void a_signature_that_leaves_the_body_unsigned_is_signature_invalid() throws Exception {
        byte[] envelope = signedEnvelope(
                gateway.cnSigner, Fixtures.load("valid/aeo-status-3-rows.csv").bytes(), Instant.now(), false);

        HttpResponse<String> response =
                gateway.post("/soap/v1/exchange", envelope, "application/soap+xml; charset=utf-8");

        assertFault(response, 500, "SIGNATURE_INVALID");
    }

    @Test
    void an_unsigned_envelope_is_signature_invalid() {
        String envelope = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>"
                + "<ex:SubmitDocument xmlns:ex=\"" + NS + "\"><ex:Document>"
                + Base64.getEncoder()
                        .encodeToString(
                                Fixtures.load("valid/aeo-status-3-rows.csv").bytes())
                + "</ex:Document></ex:SubmitDocument></soap:Body></soap:Envelope>";

        HttpResponse<String> response =
                gateway.post("/soap/v1/exchange", envelope.getBytes(StandardCharsets.UTF_8), "application/soap+xml");

        assertFault(response, 500, "SIGNATURE_INVALID");
    }

    private void assertFault(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains("<soap:Fault>").contains("ex:" + code);
        String messageId = response.body().replaceAll("(?s).*<ex:MessageId>([0-9A-Z]+)</ex:MessageId>.*", "$1");
        assertThat(gateway.getJson("/api/v1/messages/" + messageId)
                        .path("refusal")
                        .path("code")
                        .asText())
                .isEqualTo(code);
    }

    private Dispatch<Source> cxfClient(TestPki.Credential signer) {
        try {
            Service service =
                    Service.create(new URL(base + "/soap/v1/exchange?wsdl"), new QName(NS, "CbecExchangeService"));
            Dispatch<Source> dispatch =
                    service.createDispatch(new QName(NS, "ExchangePort"), Source.class, Service.Mode.PAYLOAD);
            Client client = ((DispatchImpl<?>) dispatch).getClient();
            Map<String, Object> out = new HashMap<>();
            out.put(ConfigurationConstants.ACTION, "Timestamp Signature");
            out.put(ConfigurationConstants.USER, "partner");
            out.put(ConfigurationConstants.SIG_KEY_ID, "DirectReference");
            out.put(ConfigurationConstants.SIG_ALGO, "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
            out.put(ConfigurationConstants.SIG_DIGEST_ALGO, "http://www.w3.org/2001/04/xmlenc#sha256");
            out.put(
                    ConfigurationConstants.SIGNATURE_PARTS,
                    "{Element}{http://www.w3.org/2003/05/soap-envelope}Body;{Element}{" + WSConstants.WSU_NS
                            + "}Timestamp");
            out.put(ConfigurationConstants.SIG_PROP_REF_ID, "partnerCrypto");
            out.put("partnerCrypto", keyCrypto(signer));
            out.put(ConfigurationConstants.PW_CALLBACK_REF, (CallbackHandler) callbacks -> {
                for (Callback callback : callbacks) {
                    ((WSPasswordCallback) callback).setPassword(PASSWORD);
                }
            });
            client.getOutInterceptors().add(new WSS4JOutInterceptor(out));
            Map<String, Object> in = new HashMap<>();
            in.put(ConfigurationConstants.ACTION, "Timestamp Signature");
            in.put(ConfigurationConstants.SIG_VER_PROP_REF_ID, "gatewayCrypto");
            in.put("gatewayCrypto", trustCrypto(gateway.gatewayCa.certificate()));
            client.getInInterceptors().add(new WSS4JInInterceptor(in));
            return dispatch;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the CXF client", e);
        }
    }

    private static Source submit(byte[] document) {
        return new StreamSource(new StringReader("<ex:SubmitDocument xmlns:ex=\"" + NS + "\"><ex:Document>"
                + Base64.getEncoder().encodeToString(document) + "</ex:Document></ex:SubmitDocument>"));
    }

    /** A request signed with WSS4J directly, for defects a CXF client would not produce. */
    private static byte[] signedEnvelope(TestPki.Credential signer, byte[] document, Instant created, boolean signBody)
            throws Exception {
        String xml = "<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>"
                + "<ex:SubmitDocument xmlns:ex=\"" + NS + "\"><ex:Document>"
                + Base64.getEncoder().encodeToString(document)
                + "</ex:Document></ex:SubmitDocument></soap:Body></soap:Envelope>";
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document envelope = factory.newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        WSSecHeader header = new WSSecHeader(envelope);
        header.insertSecurityHeader();
        WSSecTimestamp timestamp = new WSSecTimestamp(header);
        timestamp.setWsTimeSource(() -> created);
        timestamp.setTimeToLive(300);
        timestamp.build();
        WSSecSignature signature = new WSSecSignature(header);
        signature.setUserInfo("partner", PASSWORD);
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        signature.setSignatureAlgorithm("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256");
        if (signBody) {
            signature
                    .getParts()
                    .add(new WSEncryptionPart("Body", "http://www.w3.org/2003/05/soap-envelope", "Element"));
        }
        signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
        signature.build(keyCrypto(signer));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(envelope), new StreamResult(out));
        return out.toByteArray();
    }

    private static Merlin keyCrypto(TestPki.Credential signer) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "partner", signer.key(), PASSWORD.toCharArray(), signer.chain().toArray(new X509Certificate[0]));
        Merlin crypto = new Merlin();
        crypto.setKeyStore(store);
        return crypto;
    }

    private static Merlin trustCrypto(X509Certificate ca) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("gateway-ca", ca);
        Merlin crypto = new Merlin();
        crypto.setTrustStore(store);
        return crypto;
    }

    private static String text(Source source) throws Exception {
        java.io.StringWriter writer = new java.io.StringWriter();
        TransformerFactory.newInstance().newTransformer().transform(source, new StreamResult(writer));
        return writer.toString();
    }
}
