package org.cbec.gateway.signature.soap;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import org.apache.wss4j.common.crypto.Merlin;
import org.apache.wss4j.dom.message.WSSecSignature;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.GatewaySigningKey;

/**
 * The gateway's key as WSS4J uses it: an in-memory key store under one alias, and the signature algorithm its key type
 * calls for. Shared by every WS-Security signature the gateway makes (SOAP answers, AS4 receipts, errors and messages)
 * and by the decryption of AS4 attachments encrypted to it, so that each has the same key handling.
 */
public final class WssSigningCrypto {
    public static final String ALIAS = "gateway";
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private final Merlin crypto;
    private final String signatureAlgorithm;

    /** @param purpose what the key signs, for the configuration error ("SOAP answers", "AS4 messages") */
    public WssSigningCrypto(GatewaySigningKey signingKey, String purpose) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    ALIAS,
                    signingKey.key(),
                    IN_MEMORY_PASSWORD,
                    signingKey.chain().toArray(new X509Certificate[0]));
            this.crypto = new Merlin();
            this.crypto.setKeyStore(store);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "the gateway key cannot sign " + purpose + ": " + e.getMessage(),
                    e);
        }
        this.signatureAlgorithm = "EC".equals(signingKey.key().getAlgorithm())
                ? "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
                : "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    }

    public Merlin crypto() {
        return crypto;
    }

    /** The key's password in the in-memory store, for WSS4J's callback when it decrypts. */
    public static String password() {
        return new String(IN_MEMORY_PASSWORD);
    }

    /** Names the key and its algorithm on a signature about to be built. */
    public void identify(WSSecSignature signature) {
        signature.setUserInfo(ALIAS, password());
        signature.setSignatureAlgorithm(signatureAlgorithm);
    }
}
