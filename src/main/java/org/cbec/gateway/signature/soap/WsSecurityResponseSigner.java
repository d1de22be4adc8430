package org.cbec.gateway.signature.soap;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.ext.WSSecurityException;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.apache.wss4j.dom.message.WSSecTimestamp;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;
import org.w3c.dom.Document;

/** Signs the gateway's SOAP answers with WS-Security: a Timestamp and an X.509 signature over Body and Timestamp. */
public final class WsSecurityResponseSigner {
    private final WssSigningCrypto key;

    public WsSecurityResponseSigner(GatewaySigningKey signingKey) {
        this.key = new WssSigningCrypto(signingKey, "SOAP answers");
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
            key.identify(signature);
            signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
            signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
            signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, SoapXml.SOAP12, "Element"));
            signature.getParts().add(new WSEncryptionPart("Timestamp", WSConstants.WSU_NS, "Element"));
            signature.build(key.crypto());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            TransformerFactory.newInstance().newTransformer().transform(new DOMSource(document), new StreamResult(out));
            return out.toByteArray();
        } catch (WSSecurityException | TransformerException e) {
            throw new GatewayException(
                    GatewayError.INTERNAL_ERROR, "cannot sign the SOAP answer: " + e.getMessage(), e);
        }
    }
}
