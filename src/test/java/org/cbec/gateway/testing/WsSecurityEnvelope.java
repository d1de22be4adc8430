package org.cbec.gateway.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
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
import org.apache.xml.security.c14n.Canonicalizer;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A SOAP 1.2 request to {@code /soap/v1/exchange} signed with WSS4J the way a partner signs it (Timestamp and
 * X.509 signature over Body and Timestamp, certificate in a BinarySecurityToken), with one thing changed for
 * each hostile case: the Timestamp's time, an extra Timestamp, the digest algorithm, the SignedInfo.
 */
public final class WsSecurityEnvelope {
    public static final String SOAP12 = "http://www.w3.org/2003/05/soap-envelope";
    public static final String EXCHANGE = "urn:cbec:gateway:exchange:1";
    public static final String DSIG = "http://www.w3.org/2000/09/xmldsig#";
    public static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    public static final String SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
    public static final String SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";
    private static final String PASSWORD = "partner-key";

    private final TestPki.Credential signer;
    private final byte[] document;
    private Instant signedCreated = Instant.now();
    private int signedTimeToLive = 300;
    private String digestAlgorithm = SHA256;
    private Instant unsignedTimestamp;
    private boolean secondSignedTimestamp;
    private boolean secondInAnotherHeader;
    private Consumer<Element> signedInfoChange;

    public WsSecurityEnvelope(TestPki.Credential signer, byte[] document) {
        this.signer = signer;
        this.document = document;
    }

    /** The signed Timestamp says it was made then and lives this long. */
    public WsSecurityEnvelope signedTimestamp(Instant created, int timeToLiveSeconds) {
        this.signedCreated = created;
        this.signedTimeToLive = timeToLiveSeconds;
        return this;
    }

    /** Every Reference's DigestMethod. */
    public WsSecurityEnvelope digest(String uri) {
        this.digestAlgorithm = uri;
        return this;
    }

    /**
     * Timestamp wrapping: the signed Timestamp moved out of the Security header into a header block of its own
     * (the signature still finds it by its wsu:Id), and an unsigned Timestamp made at that time put in its place.
     */
    public WsSecurityEnvelope unsignedTimestampBeside(Instant created) {
        this.unsignedTimestamp = created;
        return this;
    }

    /** A second Timestamp, also covered by the signature, in the same Security header. */
    public WsSecurityEnvelope twoSignedTimestamps() {
        this.secondSignedTimestamp = true;
        return this;
    }

    /** A second Timestamp, also covered by the signature, in a second Security header addressed to another role. */
    public WsSecurityEnvelope secondSignedTimestampInAnotherSecurityHeader() {
        this.secondSignedTimestamp = true;
        this.secondInAnotherHeader = true;
        return this;
    }

    /** The SignedInfo changed after signing, then its SignatureValue made again over it as it is (RSA-SHA256). */
    public WsSecurityEnvelope signedInfoChanged(Consumer<Element> change) {
        this.signedInfoChange = change;
        return this;
    }

    public byte[] bytes() {
        try {
            String xml =
                    "<soap:Envelope xmlns:soap=\"" + SOAP12 + "\"><soap:Body><ex:SubmitDocument xmlns:ex=\"" + EXCHANGE
                            + "\"><ex:Document>" + Base64.getEncoder().encodeToString(document)
                            + "</ex:Document></ex:SubmitDocument></soap:Body></soap:Envelope>";
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Document envelope =
                    factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            WSSecHeader header = new WSSecHeader(envelope);
            header.insertSecurityHeader();
            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setWsTimeSource(() -> signedCreated);
            timestamp.setTimeToLive(signedTimeToLive);
            timestamp.build();
            List<String> signedTimestampIds = new ArrayList<>(List.of(timestamp.getId()));
            if (secondSignedTimestamp) {
                WSSecTimestamp second = new WSSecTimestamp(header);
                second.setTimeToLive(signedTimeToLive);
                second.build();
                signedTimestampIds.add(second.getId());
                if (secondInAnotherHeader) {
                    Element other = envelope.createElementNS(WSConstants.WSSE_NS, "wsse:Security");
                    other.setAttributeNS(SOAP12, "soap:role", "urn:cbec:test:another-role");
                    header.getSecurityHeaderElement().getParentNode().appendChild(other);
                    other.appendChild(second.getElement());
                }
            }
            WSSecSignature signature = new WSSecSignature(header);
            signature.setUserInfo("partner", PASSWORD);
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            signature.setSignatureAlgorithm(RSA_SHA256);
            signature.setDigestAlgo(digestAlgorithm);
            signature.getParts().add(new WSEncryptionPart("Body", SOAP12, "Element"));
            for (String id : signedTimestampIds) {
                signature.getParts().add(new WSEncryptionPart(id));
            }
            signature.build(keyCrypto());
            if (unsignedTimestamp != null) {
                Element trace = envelope.createElementNS(EXCHANGE, "ex:Trace");
                header.getSecurityHeaderElement().getParentNode().appendChild(trace);
                trace.appendChild(timestamp.getElement());
                // built after the signature, so that it is covered by nothing; WSSecTimestamp puts it first in the
                // header
                WSSecTimestamp fresh = new WSSecTimestamp(header);
                fresh.setWsTimeSource(() -> unsignedTimestamp);
                fresh.setTimeToLive(300);
                fresh.build();
            }
            if (signedInfoChange != null) {
                resign(envelope);
            }
            return serialise(envelope);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test envelope", e);
        }
    }

    private void resign(Document envelope) throws Exception {
        Element signedInfo =
                (Element) envelope.getElementsByTagNameNS(DSIG, "SignedInfo").item(0);
        signedInfoChange.accept(signedInfo);
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_EXCL_OMIT_COMMENTS)
                .canonicalizeSubtree(signedInfo, canonical);
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(signer.key());
        rsa.update(canonical.toByteArray());
        envelope.getElementsByTagNameNS(DSIG, "SignatureValue")
                .item(0)
                .setTextContent(Base64.getEncoder().encodeToString(rsa.sign()));
    }

    private Merlin keyCrypto() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "partner", signer.key(), PASSWORD.toCharArray(), signer.chain().toArray(new X509Certificate[0]));
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
