package org.cbec.gateway.signature.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Map;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.SignatureAlgorithm;

/**
 * The JWS algorithms {@link JwsVerifier} accepts (RS/PS/ES 256 to 512, EdDSA and Ed25519), each with the key family
 * it needs and its digest and scheme for the algorithm policy, and the check of a signature with the signer's key:
 * by Nimbus with the fastest provider for RSA and ECDSA, by Bouncy Castle for Ed25519.
 */
final class JwsAlgorithms {
    private JwsAlgorithms() {}

    enum KeyFamily {
        RSA,
        EC,
        ED25519
    }

    record Accepted(KeyFamily keyFamily, SignatureAlgorithm algorithm) {}

    /** The accepted algorithm of that JWS {@code alg} name; null when it is none of them. */
    static Accepted accepted(String alg) {
        return ACCEPTED.get(alg);
    }

    private static final Map<String, Accepted> ACCEPTED = Map.ofEntries(
            accepted(JWSAlgorithm.RS256, KeyFamily.RSA, "SHA-256", "RSA"),
            accepted(JWSAlgorithm.RS384, KeyFamily.RSA, "SHA-384", "RSA"),
            accepted(JWSAlgorithm.RS512, KeyFamily.RSA, "SHA-512", "RSA"),
            accepted(JWSAlgorithm.PS256, KeyFamily.RSA, "SHA-256", "RSASSA-PSS"),
            accepted(JWSAlgorithm.PS384, KeyFamily.RSA, "SHA-384", "RSASSA-PSS"),
            accepted(JWSAlgorithm.PS512, KeyFamily.RSA, "SHA-512", "RSASSA-PSS"),
            accepted(JWSAlgorithm.ES256, KeyFamily.EC, "SHA-256", "ECDSA"),
            accepted(JWSAlgorithm.ES384, KeyFamily.EC, "SHA-384", "ECDSA"),
            accepted(JWSAlgorithm.ES512, KeyFamily.EC, "SHA-512", "ECDSA"),
            accepted(JWSAlgorithm.EdDSA, KeyFamily.ED25519, "SHA-512", "Ed25519"),
            accepted(JWSAlgorithm.Ed25519, KeyFamily.ED25519, "SHA-512", "Ed25519"));

    private static Map.Entry<String, Accepted> accepted(
            JWSAlgorithm alg, KeyFamily keyFamily, String digest, String scheme) {
        return Map.entry(alg.getName(), new Accepted(keyFamily, new SignatureAlgorithm(digest, scheme, alg.getName())));
    }

    static boolean verifies(JWSObject jws, Accepted accepted, PublicKey key) {
        String alg = jws.getHeader().getAlgorithm().getName();
        return switch (accepted.keyFamily()) {
            case RSA -> {
                if (!(key instanceof RSAPublicKey rsa)) {
                    throw keyMismatch(alg, key);
                }
                // The JDK verifies RSA faster than Bouncy Castle (as in CmsSignedDataVerifier): Nimbus' default
                // provider.
                yield nimbusVerifies(jws, new RSASSAVerifier(rsa, JwsVerifier.UNDERSTOOD_CRITICAL));
            }
            case EC -> {
                if (!(key instanceof ECPublicKey ec)) {
                    throw keyMismatch(alg, key);
                }
                ECDSAVerifier verifier;
                try {
                    verifier = new ECDSAVerifier(ec, JwsVerifier.UNDERSTOOD_CRITICAL);
                } catch (JOSEException e) {
                    throw new GatewayException(
                            GatewayError.ALGORITHM_NOT_ALLOWED,
                            "the signer's EC key is on a curve no JWS algorithm accepted here uses: " + e.getMessage(),
                            e);
                }
                if (!verifier.supportedJWSAlgorithms().contains(jws.getHeader().getAlgorithm())) {
                    throw keyMismatch(alg, key);
                }
                // Bouncy Castle verifies ECDSA about ten times faster than the JDK (as in CmsSignedDataVerifier).
                verifier.getJCAContext().setProvider(JwsVerifier.BOUNCY_CASTLE);
                yield nimbusVerifies(jws, verifier);
            }
            case ED25519 -> {
                if (!isEd25519(key)) {
                    throw keyMismatch(alg, key);
                }
                yield ed25519Verifies(jws, key);
            }
        };
    }

    private static GatewayException keyMismatch(String alg, PublicKey key) {
        return new GatewayException(
                GatewayError.ALGORITHM_NOT_ALLOWED,
                "the JWS alg " + alg + " cannot be made with the signer's " + key.getAlgorithm() + " key");
    }

    private static boolean nimbusVerifies(JWSObject jws, JWSVerifier verifier) {
        try {
            return jws.verify(verifier);
        } catch (JOSEException e) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the JWS signature cannot be checked: " + e.getMessage(), e);
        }
    }

    private static boolean isEd25519(PublicKey key) {
        try {
            return EdECObjectIdentifiers.id_Ed25519.equals(SubjectPublicKeyInfo.getInstance(key.getEncoded())
                    .getAlgorithm()
                    .getAlgorithm());
        } catch (RuntimeException e) {
            // A key whose encoding Bouncy Castle cannot read is certainly not an Ed25519 key.
            return false;
        }
    }

    // Nimbus verifies Ed25519 only with Google Tink on the class path; Bouncy Castle is here already.
    private static boolean ed25519Verifies(JWSObject jws, PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("Ed25519", JwsVerifier.BOUNCY_CASTLE);
            verifier.initVerify(key);
            verifier.update(jws.getSigningInput());
            return verifier.verify(jws.getSignature().decode());
        } catch (GeneralSecurityException e) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the Ed25519 signature cannot be checked: " + e.getMessage(), e);
        }
    }
}
