package org.cbec.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A time-stamping authority made in the test (RFC 3161): a root and a TSA certificate under it with the critical
 * timeStamping extended key usage, which stamps with Bouncy Castle at any time the test names, or with
 * {@code openssl ts} at the present time, as a partner's TSA would; and the way a signer attaches a token to its
 * CMS SignerInfo (unsigned attribute id-aa-signatureTimeStampToken).
 */
public final class TestTsa {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    public final TestPki.Credential root;
    public final TestPki.Credential tsa;

    public TestTsa(String name) {
        root = TestPki.certificateAuthority("CN=" + name + " Root,O=Test Time Stamping,C=DE");
        tsa = TestPki.issue(
                root,
                "CN=" + name + ",O=Test Time Stamping,C=DE",
                TestPki.extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                TestPki.extension(
                        Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation)),
                TestPki.extension(
                        Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping)));
    }

    /** A token over {@code stamped} (SHA-256 imprint), with the TSA's certificate, saying it was made at {@code at}. */
    public byte[] stampWithBouncyCastle(byte[] stamped, Instant at) {
        try {
            TimeStampTokenGenerator generator = new TimeStampTokenGenerator(
                    new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withRSA", tsa.key(), tsa.certificate()),
                    new JcaDigestCalculatorProviderBuilder()
                            .build()
                            .get(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256")),
                    new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1"));
            generator.addCertificates(new JcaCertStore(List.of(tsa.certificate())));
            TimeStampRequestGenerator request = new TimeStampRequestGenerator();
            request.setCertReq(true);
            TimeStampRequest query = request.generate(
                    TSPAlgorithms.SHA256, MessageDigest.getInstance("SHA-256").digest(stamped));
            return generator
                    .generate(query, BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(at))
                    .getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test time-stamp token", e);
        }
    }

    /** A token over {@code stamped} made now by {@code openssl ts -query} and {@code -reply} (the token only). */
    public byte[] stampWithOpenssl(Path directory, byte[] stamped) {
        try {
            Files.createDirectories(directory);
            Path data = Files.write(directory.resolve("stamped.bin"), stamped);
            Path key = directory.resolve("tsa.key");
            Path certificate = directory.resolve("tsa.pem");
            TestPki.writePem(key, tsa.key());
            TestPki.writePem(certificate, tsa.certificate());
            Path config = directory.resolve("tsa.cnf");
            Files.writeString(
                    config, """
                    [ tsa ]
                    default_tsa = test_tsa
                    [ test_tsa ]
                    serial = %s
                    default_policy = 1.3.6.1.4.1.99999.1
                    digests = sha256, sha384, sha512
                    signer_digest = sha256
                    ess_cert_id_alg = sha256
                    accuracy = secs:1
                    ordering = no
                    tsa_name = no
                    ess_cert_id_chain = no
                    """.formatted(directory.resolve("serial").toString().replace("\\", "/")));
            Files.writeString(directory.resolve("serial"), "01\n");
            Path query = directory.resolve("query.tsq");
            Path token = directory.resolve("token.der");
            run("openssl", "ts", "-query", "-data", data.toString(), "-sha256", "-cert", "-out", query.toString());
            run(
                    "openssl",
                    "ts",
                    "-reply",
                    "-config",
                    config.toString(),
                    "-queryfile",
                    query.toString(),
                    "-inkey",
                    key.toString(),
                    "-signer",
                    certificate.toString(),
                    "-token_out",
                    "-out",
                    token.toString());
            return Files.readAllBytes(token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The PEM file of the TSA's root, for {@code gateway.inbound.tsa-anchors}. */
    public Path writeRoot(Path file) {
        TestPki.writePem(file, root.certificate());
        return file;
    }

    /** The signature value of the one signer of a CMS SignedData: what its signature time-stamp token must stamp. */
    public static byte[] signatureValue(byte[] cms) {
        try {
            return new CMSSignedData(cms)
                    .getSignerInfos()
                    .getSigners()
                    .iterator()
                    .next()
                    .getSignature();
        } catch (Exception e) {
            throw new IllegalStateException("not CMS SignedData", e);
        }
    }

    /** The CMS SignedData with the token as its signer's unsigned id-aa-signatureTimeStampToken attribute, DER. */
    public static byte[] withTimeStamp(byte[] cms, byte[] token) {
        try {
            CMSSignedData signed = new CMSSignedData(cms);
            SignerInformation signer =
                    signed.getSignerInfos().getSigners().iterator().next();
            Attribute attribute = new Attribute(
                    PKCSObjectIdentifiers.id_aa_signatureTimeStampToken,
                    new DERSet(ASN1Primitive.fromByteArray(token)));
            SignerInformation stamped =
                    SignerInformation.replaceUnsignedAttributes(signer, new AttributeTable(new DERSet(attribute)));
            return CMSSignedData.replaceSigners(signed, new SignerInformationStore(stamped))
                    .getEncoded(ASN1Encoding.DER);
        } catch (Exception e) {
            throw new IllegalStateException("cannot attach the time-stamp token", e);
        }
    }

    private static void run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
