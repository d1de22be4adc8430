package org.cbec.gateway.signature;

import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The one signer of a CMS SignedData, for every CMS-based container (encapsulated and S/MIME detached):
 * exactly one signer, its certificate carried in the CMS, a verifier built from its key, its signing-time
 * attribute and its algorithms in the gateway's vocabulary.
 */
public record CmsSignerInfo(
        SignerInformation signerInformation,
        X509Certificate signer,
        List<X509Certificate> carriedCertificates,
        SignerInformationVerifier verifier,
        Optional<Instant> signingTime,
        SignatureAlgorithm algorithm,
        Optional<SignatureTimeStamp> signatureTimeStamp) {

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final JcaX509CertificateConverter CERTIFICATES =
            new JcaX509CertificateConverter().setProvider(BOUNCY_CASTLE);
    private static final DefaultCMSSignatureAlgorithmNameGenerator ALGORITHM_NAMES =
            new DefaultCMSSignatureAlgorithmNameGenerator();
    private static final Map<String, String> DIGEST_NAMES = Map.of(
            "1.3.14.3.2.26", "SHA-1",
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512",
            "1.2.840.113549.2.5", "MD5");

    public CmsSignerInfo {
        carriedCertificates = List.copyOf(carriedCertificates);
    }

    /** Reads the signer; MALFORMED_MESSAGE for none or several, UNKNOWN_SIGNER when its certificate is not carried. */
    public static CmsSignerInfo of(CMSSignedData signedData) {
        return readable(() -> read(signedData.getSignerInfos(), signedData.getCertificates()));
    }

    /** The same, from the signer infos and certificates of a SignedData read as a stream. */
    public static CmsSignerInfo of(SignerInformationStore signerInfos, Store<X509CertificateHolder> store) {
        return readable(() -> read(signerInfos, store));
    }

    /**
     * Bouncy Castle parses signer infos, certificates and signed attributes when first asked, and reports their
     * defects unchecked (found by fuzzing): a message it cannot read is malformed, not a fault of the gateway.
     */
    private static CmsSignerInfo readable(Supplier<CmsSignerInfo> reading) {
        try {
            return reading.get();
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the CMS signer information cannot be read: " + e.getMessage(), e);
        }
    }

    private static CmsSignerInfo read(SignerInformationStore signerInfos, Store<X509CertificateHolder> store) {
        Collection<SignerInformation> signers = signerInfos.getSigners();
        if (signers.isEmpty()) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the CMS SignedData has no signer");
        }
        if (signers.size() > 1) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the CMS SignedData has " + signers.size() + " signers; exactly one is accepted");
        }
        SignerInformation signer = signers.iterator().next();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new GatewayException(
                    GatewayError.UNKNOWN_SIGNER, "the CMS SignedData does not carry the signer's certificate");
        }
        X509Certificate signerCertificate = toCertificate(matches.iterator().next());
        List<X509Certificate> carried = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> all = store.getMatches(null);
        for (X509CertificateHolder holder : all) {
            carried.add(toCertificate(holder));
        }
        return new CmsSignerInfo(
                signer,
                signerCertificate,
                carried,
                verifierFor(signerCertificate),
                signingTime(signer),
                algorithmOf(signer),
                signatureTimeStamp(signer));
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder) {
        try {
            return CERTIFICATES.getCertificate(holder);
        } catch (CertificateException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "a certificate in the CMS cannot be read", e);
        }
    }

    // The JDK verifies RSA faster than Bouncy Castle, Bouncy Castle verifies ECDSA ~10x faster (STACK.md).
    private static SignerInformationVerifier verifierFor(X509Certificate certificate) {
        // From the key, not the certificate: certificate validity is SignerTrust's to judge, with its own code.
        java.security.PublicKey key = SignerKey.of(certificate, "the signer certificate");
        try {
            JcaSimpleSignerInfoVerifierBuilder builder = new JcaSimpleSignerInfoVerifierBuilder();
            if (!"RSA".equals(key.getAlgorithm())) {
                builder.setProvider(BOUNCY_CASTLE);
            }
            return builder.build(key);
        } catch (OperatorCreationException | RuntimeException e) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "no verifier for the signer's key: " + e.getMessage(), e);
        }
    }

    private static SignatureAlgorithm algorithmOf(SignerInformation signer) {
        AlgorithmIdentifier digest = signer.getDigestAlgorithmID();
        AlgorithmIdentifier signature = signer.toASN1Structure().getDigestEncryptionAlgorithm();
        String name = ALGORITHM_NAMES.getSignatureName(digest, signature);
        String oid = signature.getAlgorithm().getId();
        String scheme;
        if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS.getId())) {
            scheme = "RSASSA-PSS";
        } else if (oid.startsWith(PKCSObjectIdentifiers.pkcs_1.getId() + ".")) {
            scheme = "RSA";
        } else if (oid.startsWith(X9ObjectIdentifiers.id_ecSigType.getId())
                || oid.equals(X9ObjectIdentifiers.id_ecPublicKey.getId())) {
            scheme = "ECDSA";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519.getId())) {
            scheme = "Ed25519";
        } else {
            scheme = oid;
        }
        return new SignatureAlgorithm(
                DIGEST_NAMES.getOrDefault(
                        digest.getAlgorithm().getId(), digest.getAlgorithm().getId()),
                scheme,
                name);
    }

    /** The unsigned id-aa-signatureTimeStampToken attribute (RFC 3161 Appendix A), when the signer has one; one token only. */
    private static Optional<SignatureTimeStamp> signatureTimeStamp(SignerInformation signer) {
        AttributeTable attributes = signer.getUnsignedAttributes();
        if (attributes == null) {
            return Optional.empty();
        }
        ASN1EncodableVector tokens = attributes.getAll(PKCSObjectIdentifiers.id_aa_signatureTimeStampToken);
        if (tokens.size() == 0) {
            return Optional.empty();
        }
        if (tokens.size() > 1
                || Attribute.getInstance(tokens.get(0)).getAttrValues().size() != 1) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the signer carries more than one signature time-stamp token; one is accepted");
        }
        try {
            byte[] token = Attribute.getInstance(tokens.get(0))
                    .getAttrValues()
                    .getObjectAt(0)
                    .toASN1Primitive()
                    .getEncoded(ASN1Encoding.DER);
            return Optional.of(new SignatureTimeStamp(token, signer.getSignature()));
        } catch (java.io.IOException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the signature time-stamp token cannot be read", e);
        }
    }

    private static Optional<Instant> signingTime(SignerInformation signer) {
        AttributeTable attributes = signer.getSignedAttributes();
        if (attributes == null) {
            return Optional.empty();
        }
        Attribute attribute = attributes.get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() != 1) {
            return Optional.empty();
        }
        ASN1Encodable value = attribute.getAttrValues().getObjectAt(0);
        try {
            return Optional.of(Time.getInstance(value).getDate().toInstant());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the signing-time attribute cannot be read", e);
        }
    }
}
