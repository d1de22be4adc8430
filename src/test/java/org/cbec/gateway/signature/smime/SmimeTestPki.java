package org.cbec.gateway.signature.smime;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A throwaway PKI for the S/MIME tests, made with Bouncy Castle: an RSA certificate authority, an RSA signer,
 * and detached CMS signatures over a signed part. Trimmed from {@code org.cbec.gateway.testing.TestPki}.
 */
final class SmimeTestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private SmimeTestPki() {}

    /** A certificate with its private key and its chain, signer first. */
    record Credential(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {}

    static Credential certificateAuthority(String subject) {
        KeyPair keys = rsa();
        X509Certificate certificate =
                build(new X500Name(subject), keys, new X500Name(subject), keys.getPrivate(), true);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    static Credential signer(Credential issuer, String subject) {
        KeyPair keys = rsa();
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
     * CMS SignedData, DER, SHA256withRSA with a signing-time attribute.
     *
     * @param carryCertificates whether the signer's chain goes into the CMS
     * @param encapsulate       whether the content goes into the CMS too (it must not, for multipart/signed)
     */
    static byte[] signDetached(
            byte[] signedPart, Credential signer, Instant signingTime, boolean carryCertificates, boolean encapsulate) {
        try {
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(
                            new JcaDigestCalculatorProviderBuilder().build())
                    .setSignedAttributeGenerator(
                            new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.key()), signer.certificate()));
            if (carryCertificates) {
                generator.addCertificates(new JcaCertStore(signer.chain()));
            }
            return generator
                    .generate(new CMSProcessableByteArray(signedPart), encapsulate)
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign test message", e);
        }
    }

    static void writePem(Path file, Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.writeString(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(
            X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, boolean authority) {
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minus(Duration.ofDays(30))),
                    Date.from(now.plus(Duration.ofDays(365))),
                    subject,
                    keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    authority
                            ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                            : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test certificate " + subject, e);
        }
    }
}
