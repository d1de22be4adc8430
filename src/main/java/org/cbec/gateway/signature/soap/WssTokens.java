package org.cbec.gateway.signature.soap;

import java.util.Base64;
import org.apache.wss4j.dom.WSConstants;
import org.cbec.gateway.signature.BerDepth;
import org.cbec.gateway.signature.xml.XmlSignatureVerifier;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** The certificates a WS-Security header carries, checked before WSS4J reads them (SOAP and AS4 alike). */
public final class WssTokens {
    private WssTokens() {}

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
