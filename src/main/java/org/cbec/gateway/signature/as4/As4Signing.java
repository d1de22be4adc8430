package org.cbec.gateway.signature.as4;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.apache.wss4j.common.WSEncryptionPart;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.WSConstants;
import org.apache.wss4j.dom.engine.WSSConfig;
import org.apache.wss4j.dom.message.WSSecHeader;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * The gateway's one way of signing AS4 messages, for its signals (receipts, errors) and its outbound UserMessages: WSS4J,
 * the gateway key, a BinarySecurityToken, RSA-SHA256 (ECDSA-SHA256 for an EC key), SHA-256 digests, exclusive C14N, over
 * eb:Messaging and the Body (attachments are added by the caller).
 */
final class As4Signing {
    static final String ALIAS = "gateway";
    private static final java.security.Provider XMLDSIG = new org.apache.jcp.xml.dsig.internal.dom.XMLDSigRI();
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final Merlin crypto;
    private final String signatureAlgorithm;

    As4Signing(GatewaySigningKey signingKey) {
        WSSConfig.init(); // Santuario's XMLDSig provider, which resolves the cid: references of attachments
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, signingKey.key(), IN_MEMORY_PASSWORD, signingKey.chain().toArray(new X509Certificate[0]));
            this.crypto = new Merlin();
            this.crypto.setKeyStore(store);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new GatewayException(GatewayError.CONFIGURATION_INVALID, "the gateway key cannot sign AS4 messages: " + e.getMessage(), e);
        }
        this.signatureAlgorithm = "EC".equals(signingKey.key().getAlgorithm())
                ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256" : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    }

    Merlin crypto() {
        return crypto;
    }

    /** A signature in the (inserted) Security header over eb:Messaging and the Body, ready for more parts and {@code build}. */
    WSSecSignature signature(WSSecHeader header) {
        // Santuario's XMLDSig by name, not whichever "DOM" provider is registered: only it resolves the cid: references of
        // attachments, and WSS4J's registration of it is global state another library may undo (WSSConfig.cleanUp).
        WSSecSignature signature = new WSSecSignature(header, XMLDSIG);
        signature.setUserInfo(ALIAS, new String(IN_MEMORY_PASSWORD));
        signature.setKeyIdentifierType(WSConstants.BST_DIRECT_REFERENCE);
        signature.setSignatureAlgorithm(signatureAlgorithm);
        signature.setDigestAlgo("http://www.w3.org/2001/04/xmlenc#sha256");
        signature.setSigCanonicalization(WSConstants.C14N_EXCL_OMIT_COMMENTS);
        signature.getParts().add(new WSEncryptionPart("Messaging", As4Request.EBMS_NS, "Element"));
        signature.getParts().add(new WSEncryptionPart(WSConstants.ELEM_BODY, As4Request.SOAP12, "Element"));
        return signature;
    }
}
