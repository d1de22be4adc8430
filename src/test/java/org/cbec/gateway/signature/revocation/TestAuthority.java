package org.cbec.gateway.signature.revocation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI made in the test with Bouncy Castle: an RSA root, EC intermediates, signers and OCSP
 * responder certificates whose distribution points and OCSP URLs point at the in-process servers, and CRLs.
 */
final class TestAuthority {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestAuthority() {}

    /** A certificate with its private key. */
    record Credential(X509Certificate certificate, PrivateKey key) {
        BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    /** What goes into a certificate besides its names and key. */
    record Profile(boolean authority, List<URI> crlUrls, List<URI> ocspUrls, boolean ocspSigning) {
        static Profile signer(URI crlUrl, URI ocspUrl) {
            return new Profile(
                    false,
                    crlUrl == null ? List.of() : List.of(crlUrl),
                    ocspUrl == null ? List.of() : List.of(ocspUrl),
                    false);
        }

        static Profile intermediate(URI crlUrl, URI ocspUrl) {
            return new Profile(
                    true,
                    crlUrl == null ? List.of() : List.of(crlUrl),
                    ocspUrl == null ? List.of() : List.of(ocspUrl),
                    false);
        }

        static Profile ocspResponder(boolean withOcspSigningUsage) {
            return new Profile(false, List.of(), List.of(), withOcspSigningUsage);
        }
    }

    /** One revoked serial in a CRL. */
    record Revoked(BigInteger serial, Instant at, int reason) {}

    static Credential root(String subject, Instant now) {
        KeyPair keys = generate("RSA");
        return new Credential(
                build(
                        subject,
                        keys.getPublic(),
                        new X500Name(subject),
                        keys.getPrivate(),
                        now,
                        new Profile(true, List.of(), List.of(), false)),
                keys.getPrivate());
    }

    static Credential issue(Credential issuer, String subject, Instant now, Profile profile) {
        KeyPair keys = generate("EC");
        X500Name issuerName = X500Name.getInstance(
                issuer.certificate().getSubjectX500Principal().getEncoded());
        return new Credential(
                build(subject, keys.getPublic(), issuerName, issuer.key(), now, profile), keys.getPrivate());
    }

    static X509CRL crl(Credential issuer, Instant thisUpdate, Instant nextUpdate, Revoked... revoked) {
        try {
            X500Name issuerName = X500Name.getInstance(
                    issuer.certificate().getSubjectX500Principal().getEncoded());
            X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerName, Date.from(thisUpdate));
            if (nextUpdate != null) {
                builder.setNextUpdate(Date.from(nextUpdate));
            }
            for (Revoked entry : revoked) {
                builder.addCRLEntry(entry.serial(), Date.from(entry.at()), entry.reason());
            }
            builder.addExtension(
                    Extension.authorityKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.certificate()));
            builder.addExtension(
                    Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(SERIALS.incrementAndGet())));
            return new JcaX509CRLConverter().getCRL(builder.build(signerFor(issuer.key())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test CRL", e);
        }
    }

    /** An http URL on a loopback port where nothing listens: connections are refused at once. */
    static URI closedPortUrl(String path) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ContentSigner signerFor(PrivateKey key) {
        try {
            return new JcaContentSignerBuilder(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                    .build(key);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
        }
    }

    static KeyPair generate(String algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            } else {
                generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(
            String subject, PublicKey key, X500Name issuer, PrivateKey issuerKey, Instant now, Profile profile) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minus(Duration.ofDays(30))),
                    Date.from(now.plus(Duration.ofDays(365))),
                    new X500Name(subject),
                    key);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(profile.authority()));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    profile.authority()
                            ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                            : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(key));
            if (!profile.crlUrls().isEmpty()) {
                List<DistributionPoint> points = new ArrayList<>();
                for (URI url : profile.crlUrls()) {
                    points.add(new DistributionPoint(
                            new DistributionPointName(new GeneralNames(
                                    new GeneralName(GeneralName.uniformResourceIdentifier, url.toString()))),
                            null,
                            null));
                }
                builder.addExtension(
                        Extension.cRLDistributionPoints,
                        false,
                        new CRLDistPoint(points.toArray(DistributionPoint[]::new)));
            }
            if (!profile.ocspUrls().isEmpty()) {
                AccessDescription[] responders = profile.ocspUrls().stream()
                        .map(url -> new AccessDescription(
                                AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, url.toString())))
                        .toArray(AccessDescription[]::new);
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(responders));
            }
            if (profile.ocspSigning()) {
                builder.addExtension(
                        Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signerFor(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the test certificate " + subject, e);
        }
    }
}
