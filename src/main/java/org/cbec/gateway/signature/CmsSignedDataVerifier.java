package org.cbec.gateway.signature;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
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
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessable;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;
import org.bouncycastle.util.encoders.Base64;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * Opens CMS SignedData with encapsulated content (DER or PEM) and verifies its one signature.
 * Only the signature over the content is checked here; who the signer is, is decided by {@link SignerTrust}.
 */
public final class CmsSignedDataVerifier implements SignatureContainer {
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    private static final byte[] PEM_START = "-----BEGIN".getBytes(StandardCharsets.US_ASCII);

    private final JcaX509CertificateConverter certificateConverter = new JcaX509CertificateConverter().setProvider(BOUNCY_CASTLE);
    private final DefaultCMSSignatureAlgorithmNameGenerator algorithmNames = new DefaultCMSSignatureAlgorithmNameGenerator();

    @Override
    public SignedDocument open(byte[] body, String contentType) {
        return verify(body);
    }

    /** Parses and verifies; every failure is a {@link GatewayException} with its refusal code. */
    public SignedDocument verify(byte[] container) {
        CMSSignedData signedData = parse(container);
        CMSProcessable signedContent = signedData.getSignedContent();
        if (signedContent == null) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE,
                    "the CMS SignedData has no encapsulated content (a detached signature needs multipart/signed)");
        }
        Collection<SignerInformation> signers = signedData.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the CMS SignedData has no signer");
        }
        if (signers.size() > 1) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE,
                    "the CMS SignedData has " + signers.size() + " signers; exactly one is accepted");
        }
        SignerInformation signer = signers.iterator().next();
        Store<X509CertificateHolder> store = signedData.getCertificates();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new GatewayException(GatewayError.UNKNOWN_SIGNER, "the CMS SignedData does not carry the signer's certificate");
        }
        X509Certificate signerCertificate = toCertificate(matches.iterator().next());
        boolean verified;
        try {
            verified = signer.verify(verifierFor(signerCertificate));
        } catch (CMSException e) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the signature does not verify: " + e.getMessage(), e);
        }
        if (!verified) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "the signature does not verify over the content");
        }
        List<X509Certificate> carried = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> all = store.getMatches(null);
        for (X509CertificateHolder holder : all) {
            carried.add(toCertificate(holder));
        }
        return new SignedDocument(contentOf(signedContent), signerCertificate, carried, signingTime(signer), algorithmOf(signer));
    }

    private static CMSSignedData parse(byte[] container) {
        byte[] der = startsWith(trimLeadingWhitespace(container), PEM_START) ? fromPem(container) : container;
        try {
            return new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            // Bouncy Castle reports truncated or garbled ASN.1 with several unchecked exception types.
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE,
                    "the body is not CMS SignedData (DER or PEM): " + e.getMessage(), e);
        }
    }

    private static byte[] fromPem(byte[] container) {
        String text = new String(container, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        int headerEnd = text.indexOf("-----", begin + 11);
        int end = text.indexOf("-----END ", headerEnd);
        if (begin < 0 || headerEnd < 0 || end < 0) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the PEM body has no matching BEGIN and END lines");
        }
        String label = text.substring(begin + 11, headerEnd);
        if (!label.equals("CMS") && !label.equals("PKCS7")) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE,
                    "the PEM label is '" + label + "'; expected CMS or PKCS7");
        }
        String base64 = text.substring(headerEnd + 5, end).replaceAll("\\s", "");
        try {
            return Base64.decode(base64);
        } catch (RuntimeException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the PEM body is not valid base64", e);
        }
    }

    private static byte[] trimLeadingWhitespace(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && i < 64 && Character.isWhitespace(bytes[i])) {
            i++;
        }
        return i == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + PEM_START.length));
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] contentOf(CMSProcessable signedContent) {
        Object content = signedContent.getContent();
        if (content instanceof byte[] bytes) {
            return bytes;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            signedContent.write(out);
        } catch (IOException | CMSException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "the signed content cannot be read", e);
        }
        return out.toByteArray();
    }

    private X509Certificate toCertificate(X509CertificateHolder holder) {
        try {
            return certificateConverter.getCertificate(holder);
        } catch (CertificateException e) {
            throw new GatewayException(GatewayError.MALFORMED_MESSAGE, "a certificate in the CMS cannot be read", e);
        }
    }

    // The JDK verifies RSA faster than Bouncy Castle, Bouncy Castle verifies ECDSA ~10x faster (STACK.md).
    private static SignerInformationVerifier verifierFor(X509Certificate certificate) {
        JcaSimpleSignerInfoVerifierBuilder builder = new JcaSimpleSignerInfoVerifierBuilder();
        if (!"RSA".equals(certificate.getPublicKey().getAlgorithm())) {
            builder.setProvider(BOUNCY_CASTLE);
        }
        try {
            // From the key, not the certificate: certificate validity is SignerTrust's to judge, with its own code.
            return builder.build(certificate.getPublicKey());
        } catch (OperatorCreationException e) {
            throw new GatewayException(GatewayError.SIGNATURE_INVALID, "no verifier for the signer's key: " + e.getMessage(), e);
        }
    }

    private SignatureAlgorithm algorithmOf(SignerInformation signer) {
        AlgorithmIdentifier digest = signer.getDigestAlgorithmID();
        AlgorithmIdentifier signature = signer.toASN1Structure().getDigestEncryptionAlgorithm();
        String name = algorithmNames.getSignatureName(digest, signature);
        String oid = signature.getAlgorithm().getId();
        String scheme;
        if (oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS.getId())) {
            scheme = "RSASSA-PSS";
        } else if (oid.startsWith(PKCSObjectIdentifiers.pkcs_1.getId() + ".")) {
            scheme = "RSA";
        } else if (oid.startsWith(X9ObjectIdentifiers.id_ecSigType.getId()) || oid.equals(X9ObjectIdentifiers.id_ecPublicKey.getId())) {
            scheme = "ECDSA";
        } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519.getId())) {
            scheme = "Ed25519";
        } else {
            scheme = oid;
        }
        return new SignatureAlgorithm(DIGEST_NAMES.getOrDefault(digest.getAlgorithm().getId(), digest.getAlgorithm().getId()), scheme, name);
    }

    private static final java.util.Map<String, String> DIGEST_NAMES = java.util.Map.of(
            "1.3.14.3.2.26", "SHA-1",
            "2.16.840.1.101.3.4.2.1", "SHA-256",
            "2.16.840.1.101.3.4.2.2", "SHA-384",
            "2.16.840.1.101.3.4.2.3", "SHA-512",
            "1.2.840.113549.2.5", "MD5");

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
