package org.cbec.gateway.signature.soap;

import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.WSDataRef;
import org.apache.wss4j.dom.engine.WSSecurityEngineResult;
import org.cbec.gateway.signature.BerDepth;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * The certificates of a WS-Security header, SOAP and AS4 alike: checked before WSS4J reads them, and read from the
 * result of a verified X.509 signature after.
 */
public final class WssTokens {
    private WssTokens() {}

    /** What WSS4J verified of one X.509 signature: its signer, the certificates carried, the references it covers. */
    public record Signature(X509Certificate signer, List<X509Certificate> carried, List<WSDataRef> references) {

        /** The signature of a WSS4J result whose action is {@link WSConstants#SIGN}. */
        public static Signature of(WSSecurityEngineResult result) {
            X509Certificate signer = (X509Certificate) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATE);
            // A PKIPath token (X509PKIPathv1) carries the CAs between the signer and its partner's anchor.
            X509Certificate[] path = (X509Certificate[]) result.get(WSSecurityEngineResult.TAG_X509_CERTIFICATES);
            @SuppressWarnings("unchecked")
            List<WSDataRef> references = (List<WSDataRef>) result.get(WSSecurityEngineResult.TAG_DATA_REF_URIS);
            return new Signature(
                    signer,
                    path == null || path.length == 0 ? List.of(signer) : List.of(path),
                    references == null ? List.of() : references);
        }
    }

    /**
     * WSS4J parses every certificate the header carries (BinarySecurityToken, X509Certificate, KeyIdentifier) as it
     * meets it, before any signature is checked: each is held to the shared BER depth limit first. A value that is not
     * base64 is left to WSS4J, which refuses it.
     */
    public static void withinDepth(Document envelope) {
        String[][] carriers = {
            {WSConstants.WSSE_NS, "BinarySecurityToken"},
            {WSConstants.WSSE_NS, "KeyIdentifier"},
            {XmlSignatureVerifier.DSIG, "X509Certificate"}
        };
        for (String[] carrier : carriers) {
            NodeList tokens = envelope.getElementsByTagNameNS(carrier[0], carrier[1]);
            for (int i = 0; i < tokens.getLength(); i++) {
                byte[] der;
                try {
                    der = Base64.getMimeDecoder()
                            .decode(tokens.item(i).getTextContent().strip());
                } catch (IllegalArgumentException notBase64) {
                    continue;
                }
                BerDepth.check(der, "the " + carrier[1]);
            }
        }
    }
}
