package org.cbec.gateway.signature.soap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.w3c.dom.Document;

/** Signs the gateway's SOAP answers with WS-Security: a Timestamp and an X.509 signature over Body and Timestamp. */
public final class WsSecurityResponseSigner {
    private static final String ALIAS = "gateway";
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final Merlin crypto;
    private final String signatureAlgorithm;

    public WsSecurityResponseSigner(GatewaySigningKey signingKey) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, signingKey.key(), IN_MEMORY_PASSWORD, signingKey.chain().toArray(new X509Certificate[0]));
            this.crypto = new Merlin();
            this.crypto.setKeyStore(store);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "the gateway key cannot sign SOAP answers: " + e.getMessage(), e);
        }
        this.signatureAlgorithm = "EC".equals(signingKey.key().getAlgorithm())
                ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    }

    /** Parses the unsigned envelope (signing a parsed document avoids namespace surprises), signs it, serialises it. */
    public byte[] sign(String envelope) {
        Document document = SoapXml.parse(envelope.getBytes(StandardCharsets.UTF_8));
        try {
            WSSecHeader header = new WSSecHeader(document);
            header.insertSecurityHeader();
            WSSecTimestamp timestamp = new WSSecTimestamp(header);
            timestamp.setTimeToLive(300);
            timestamp.build();
            WSSecSignature signature = new WSSecSignature(header);
            signature.setUserInfo(ALIAS, new String(IN_MEMORY_PASSWORD));
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            signature.setSignatureAlgorithm(signatureAlgorithm);
            signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
            signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, SoapXml.SOAP12, "Element"));
            signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
            signature.build(crypto);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (WSSecurityException | TransformerException e) {
            throw new GatewayException(GatewayError.INTERNAL_ERROR, "cannot sign the SOAP answer: " + e.getMessage(), e);
        }
    }
}
