package org.cbec.gateway.testing;

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
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A throwaway PKI made in the test with Bouncy Castle: certificate authorities for partner
 * administrations and the signers they issue, including defective ones (expired, unknown CA).
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestPki() {}

    /** A certificate with its private key. */
    public record Credential(X509Certificate certificate, PrivateKey key, List<X509Certificate> chain) {
        public String pem() {
            return TestPki.pem(certificate);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecP256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Credential certificateAuthority(String subject) {
        KeyPair keys = rsa(2048);
        Instant now = Instant.now();
        X509Certificate certificate = build(
                subject,
                keys,
                new X500Name(subject),
                keys.getPrivate(),
                now.minus(Duration.ofDays(365)),
                now.plus(Duration.ofDays(3650)),
                true);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    /** A self-signed CA valid from {@code notBefore} to {@code notAfter}: one about to expire, say. */
    public static Credential certificateAuthority(String subject, Instant notBefore, Instant notAfter) {
        KeyPair keys = rsa(2048);
        X509Certificate certificate =
                build(subject, keys, new X500Name(subject), keys.getPrivate(), notBefore, notAfter, true);
        return new Credential(certificate, keys.getPrivate(), List.of(certificate));
    }

    public static Credential signer(Credential issuer, String subject) {
        Instant now = Instant.now();
        return signer(issuer, subject, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(365)), rsa(2048));
    }

    public static Credential signer(
            Credential issuer, String subject, Instant notBefore, Instant notAfter, KeyPair keys) {
        X509Certificate certificate = build(
                subject,
                keys,
                X500Name.getInstance(
                        issuer.certificate().getSubjectX500Principal().getEncoded()),
                issuer.key(),
                notBefore,
                notAfter,
                false);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(issuer.chain());
        return new Credential(certificate, keys.getPrivate(), chain);
    }

    /** A signer whose certificate ran out a year ago. */
    public static Credential expiredSigner(Credential issuer, String subject) {
        Instant now = Instant.now();
        return signer(issuer, subject, now.minus(Duration.ofDays(730)), now.minus(Duration.ofDays(365)), rsa(2048));
    }

    /**
     * A certificate issued by {@code issuer} with exactly the given extensions (and a subjectKeyIdentifier), valid
     * from a month ago for a year: a signer or CA that breaks a profile rule, named after the rule by its test.
     */
    public static Credential issue(Credential issuer, String subject, Extension... extensions) {
        KeyPair keys = rsa(2048);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(
                            issuer.certificate().getSubjectX500Principal().getEncoded()),
                    BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(now.minus(Duration.ofDays(30))),
                    Date.from(now.plus(Duration.ofDays(365))),
                    new X500Name(subject),
                    keys.getPublic());
            for (Extension extension : extensions) {
                builder.addExtension(extension);
            }
            builder.addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            String algorithm = issuer.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuer.key())));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(issuer.chain());
            return new Credential(certificate, keys.getPrivate(), chain);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test certificate " + subject, e);
        }
    }

    /** An extension for {@link #issue}. */
    public static Extension extension(
            org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
            boolean critical,
            org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return new Extension(oid, critical, value.toASN1Primitive().getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate build(
            String subject,
            KeyPair keys,
            X500Name issuer,
            PrivateKey issuerKey,
            Instant notBefore,
            Instant notAfter,
            boolean authority) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()),
                    Date.from(notBefore),
                    Date.from(notAfter),
                    new X500Name(subject),
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            builder.addExtension(
                    Extension.keyUsage,
                    true,
                    authority
                            ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                            : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            builder.addExtension(
                    Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
            String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (Exception e) {
            throw new IllegalStateException("cannot build test certificate " + subject, e);
        }
    }

    /** CMS SignedData, DER, with encapsulated content, the signer's chain and a signing-time attribute. */
    public static byte[] signCms(byte[] content, Credential signer, Instant signingTime) {
        return signCms(
                content,
                signer,
                signingTime,
                signer.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
    }

    /** The same with a chosen JCA signature algorithm, e.g. SHA1withRSA for a weak-algorithm fixture. */
    public static byte[] signCms(byte[] content, Credential signer, Instant signingTime, String algorithm) {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder(algorithm).build(signer.key());
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(CMSAttributes.signingTime, new DERSet(new Time(Date.from(signingTime)))));
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(
                    new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                            .setSignedAttributeGenerator(
                                    new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
                            .build(contentSigner, signer.certificate()));
            generator.addCertificates(new JcaCertStore(signer.chain()));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(content), true);
            return signed.getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign test message", e);
        }
    }

    /**
     * CMS SignedData by any number of signers (none, two...), with or without their certificates: for defect
     * fixtures. BER, as Bouncy Castle writes it by default (indefinite lengths, the content in pieces).
     */
    public static byte[] signCmsBy(byte[] content, List<Credential> signers, boolean includeCertificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            for (Credential signer : signers) {
                ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withRSA").build(signer.key());
                generator.addSignerInfoGenerator(
                        new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                                .build(contentSigner, signer.certificate()));
                if (includeCertificates) {
                    generator.addCertificates(new JcaCertStore(signer.chain()));
                }
            }
            return generator
                    .generate(new CMSProcessableByteArray(content), true)
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign test message", e);
        }
    }

    /**
     * A forgery for defect fixtures: DER SignedData whose one signer (with signed attributes) signed {@code signed},
     * carrying {@code carried} instead, and listing no digest algorithm in digestAlgorithms, so that a stream
     * parser computes no digest of what it carries.
     */
    public static byte[] signCmsCarryingOtherContent(byte[] signed, byte[] carried, Credential signer) {
        try {
            SignedData original =
                    SignedData.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(signCms(signed, signer)))
                            .getContent());
            SignedData forged = new SignedData(
                    new DERSet(),
                    new ContentInfo(CMSObjectIdentifiers.data, new DEROctetString(carried)),
                    original.getCertificates(),
                    original.getCRLs(),
                    original.getSignerInfos());
            return new ContentInfo(CMSObjectIdentifiers.signedData, forged).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("cannot forge test message", e);
        }
    }

    public static byte[] signCms(byte[] content, Credential signer) {
        return signCms(content, signer, Instant.now());
    }

    /** A PKCS#12 keystore holding the credential, for the gateway's own key in tests (empty password). */
    public static Path writePkcs12(Path file, Credential credential) {
        return writePkcs12(file, credential, "");
    }

    /** A PKCS#12 keystore holding the credential under the alias "signer", as a partner's integrator would have it. */
    public static Path writePkcs12(Path file, Credential credential, String password) {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    password.isEmpty() ? "gateway" : "signer",
                    credential.key(),
                    password.toCharArray(),
                    credential.chain().toArray(new X509Certificate[0]));
            Files.createDirectories(file.getParent());
            try (var out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    public static void writePem(Path file, Object object) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, pem(object));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
