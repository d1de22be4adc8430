package org.cbec.gateway.signature;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The public key of a signer's certificate, for verifying a signature with it. Bouncy Castle reads a certificate's
 * key only when it is first asked for: a key it cannot decode (an RSA modulus with a small factor, an EC point off
 * its curve; found by fuzzing) fails unchecked, and a key of an algorithm it does not know is null. A signature
 * cannot be verified with either, whatever the container: {@code SIGNATURE_INVALID}.
 */
public final class SignerKey {
    private SignerKey() {}

    /** @param whose names the certificate in the refusal, e.g. "the x5c signer certificate" */
    public static PublicKey of(X509Certificate certificate, String whose) {
        PublicKey key;
        try {
            key = certificate.getPublicKey();
        } catch (RuntimeException e) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the public key of " + whose + " cannot be read: " + e.getMessage(),
                    e);
        }
        if (key == null) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID,
                    "the public key of " + whose + " is of an algorithm that cannot be read");
        }
        return key;
    }
}
