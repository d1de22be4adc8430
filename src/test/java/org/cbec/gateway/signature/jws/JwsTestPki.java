package org.cbec.gateway.signature.jws;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI for the JWS tests, made with Bouncy Castle: one RSA certificate authority and signers with
 * RSA, EC P-256 and Ed25519 keys. Trimmed from {@code org.cbec.gateway.testing.TestPki}.
 */
final class JwsTestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private JwsTestPki() {}

    /** A certificate with its private key and its chain, signer first. */
    record Credential(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

    static KeyPair keyPair(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            switch (algorithm) {
                case "RSA" -> generator.initialize(2048, RANDOM);
                case "EC" -> generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                default -> {} // Ed25519 has one size
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static Credential certificateAuthority(String subject) {
        KeyPair keys = keyPair("RSA");
        X509Certificate certificate =
                build(new X500Name(subject), keys, new X500Name(subject), keys.getPrivate(), true);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    static Credential signer(Credential issuer, String subject, String keyAlgorithm) {
        KeyPair keys = keyPair(keyAlgorithm);
        X509Certificate certificate = build(
                new X500Name(subject),
                keys,
                X500Name.getInstance(
                        issuer.certificate().getSubjectX500Principal().getEncoded()),
                issuer.key(),
                false);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate, issuer.certificate()));
    }

    /**
     * The DER of a signer certificate issued by {@code issuer} over whatever key information it is given: a key a
     * certificate parser refuses, say. DER and not a certificate object, since the JDK may refuse to make one of it.
     */
    static byte[] certificateOver(Credential issuer, String subject, SubjectPublicKeyInfo keyInfo) {
        try {
            return holder(
                            new X500Name(subject),
                            keyInfo,
                            X500Name.getInstance(issuer.certificate()
                                    .getSubjectX500Principal()
                                    .getEncoded()),
                            issuer.key(),
                            false)
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test certificate " + subject, e);
        }
    }

    private static X509Certificate build(
            X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, boolean authority) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(holder(
                            subject,
                            SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()),
                            issuer,
                            issuerKey,
                            authority));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test certificate " + subject, e);
        }
    }

    private static X509CertificateHolder holder(
            X500Name subject, SubjectPublicKeyInfo keyInfo, X500Name issuer, PrivateKey issuerKey, boolean authority)
            throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(30))),
                Date.from(now.plus(Duration.ofDays(365))),
                subject,
                keyInfo);
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        builder.addExtension(
                Extension.keyUsage,
                true,
                authority
                        ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                        : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
        return builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey));
    }
}
