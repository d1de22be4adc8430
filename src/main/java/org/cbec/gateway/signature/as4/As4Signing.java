package org.cbec.gateway.signature.as4;

import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * The gateway's one way of signing AS4 messages, for its signals (receipts, errors) and its outbound UserMessages: WSS4J,
 * the gateway key, a BinarySecurityToken, RSA-SHA256 (ECDSA-SHA256 for an EC key), SHA-256 digests, exclusive C14N, over
 * eb:Messaging and the Body (attachments are added by the caller).
 */
final class As4Signing {
    private static final java.security.Provider XMLDSIG = new org.apache.jcp.xml.dsig.internal.dom.XMLDSigRI();

    private final org.cbec.gateway.signature.soap.WssSigningCrypto key;

    As4Signing(GatewaySigningKey signingKey) {
        WSSConfig.init(); // Santuario's XMLDSig provider, which resolves the cid: references of attachments
        this.key = new org.cbec.gateway.signature.soap.WssSigningCrypto(signingKey, "AS4 messages");
    }

    Merlin crypto() {
        return key.crypto();
    }

    /** A signature in the (inserted) Security header over eb:Messaging and the Body, ready for more parts and {@code build}. */
    WSSecSignature signature(WSSecHeader header) {
        // Santuario's XMLDSig by name, not whichever "DOM" provider is registered: only it resolves the cid: references
        // of
        // attachments, and WSS4J's registration of it is global state another library may undo (WSSConfig.cleanUp).
        WSSecSignature signature = new WSSecSignature(header, XMLDSIG);
        key.identify(signature);
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
        signature.setSigCanonicalization(WSConstants.C14N_EXCL_OMIT_COMMENTS);
        signature.getParts().add(new WSEncryptionPart("Messaging", As4Request.EBMS_NS, "Element"));
        signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, As4Request.SOAP12, "Element"));
        return signature;
    }
}
