package org.cbec.gateway.signature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessable;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataParser;
import org.bouncycastle.cms.CMSTypedStream;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;
import org.bouncycastle.util.encoders.Base64;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * Opens CMS SignedData with encapsulated content (DER or PEM) and verifies its one signature.
 * Only the signature over the content is checked here; who the signer is, is decided by {@link SignerTrust}.
 */
public final class CmsSignedDataVerifier implements SignatureContainer.OfBodyAlone {
    private static final byte[] PEM_START = "-----BEGIN".getBytes(StandardCharsets.US_ASCII);
    /** The JDK's digests (SHA-256 has CPU intrinsics); what the content is digested with while it streams past. */
    private static final DigestCalculatorProvider DIGESTS = digests();

    /**
     * DER is read where it lies, and so is its signed content when it is one DER OCTET STRING (the common case):
     * a large document is then held once, as the request body. Only a PEM body is copied, to be decoded.
     */
    @Override
    public SignedDocument open(ReceivedBody body, String contentType) {
        if (isPem(body.head(64 + PEM_START.length))) {
            return verify(body.bytes());
        }
        BerDepth.check(body, "the CMS body");
        Optional<SignedDocument> inPlace =
                EncapsulatedContent.in(body).flatMap(content -> verifiedInPlace(body, content));
        return inPlace.orElseGet(() -> verified(parse(body.stream())));
    }

    /** Parses and verifies; every failure is a {@link GatewayException} with its refusal code. */
    @Override
    public SignedDocument verify(byte[] container) {
        byte[] der = isPem(container) ? fromPem(container) : container;
        BerDepth.check(der, isPem(container) ? "the CMS in the PEM block" : "the CMS body");
        return verified(parse(new ByteArrayInputStream(der)));
    }

    /**
     * Streams the SignedData through Bouncy Castle's parser, which digests the content without keeping it, and
     * checks that the content it read is exactly the part of the body found in place. The signature is then
     * checked against that digest, so this path is taken only where the digest is certainly the content's: one
     * signer, with signed attributes (their messageDigest is compared with it), whose digest algorithm the
     * parser computed while the content streamed past. Anything else is empty, and the body is read whole:
     * the parser computes only the algorithms the SignedData lists, and without signed attributes some
     * verifiers would be given no content at all.
     */
    private static Optional<SignedDocument> verifiedInPlace(ReceivedBody body, ReceivedBody content) {
        SignerInformationStore signers;
        Store<X509CertificateHolder> certificates;
        try {
            CMSSignedDataParser parser = new CMSSignedDataParser(DIGESTS, body.stream());
            CMSTypedStream signedContent = parser.getSignedContent();
            if (signedContent == null || !content.sameBytesAs(signedContent.getContentStream())) {
                return Optional.empty();
            }
            signers = parser.getSignerInfos();
            certificates = parser.getCertificates();
        } catch (CMSException | IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
        if (!contentDigestedForItsOneSigner(signers)) {
            return Optional.empty();
        }
        return Optional.of(verified(CmsSignerInfo.of(signers, certificates), content));
    }

    private static boolean contentDigestedForItsOneSigner(SignerInformationStore signers) {
        try {
            if (signers.size() != 1) {
                return false;
            }
            SignerInformation signer = signers.getSigners().iterator().next();
            // getContentDigest throws IllegalStateException when the parser has no digest for this signer;
            // malformed signed attributes throw too (found by fuzzing): either way, read the body whole.
            return signer.getSignedAttributes() != null && signer.getContentDigest() != null;
        } catch (RuntimeException notDigestedOrUnreadable) {
            return false;
        }
    }

    private static SignedDocument verified(CMSSignedData signedData) {
        CMSProcessable signedContent = signedData.getSignedContent();
        if (signedContent == null) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the CMS SignedData has no encapsulated content (a detached signature needs multipart/signed)");
        }
        return verified(CmsSignerInfo.of(signedData), ReceivedBody.of(contentOf(signedContent)));
    }

    private static SignedDocument verified(CmsSignerInfo signer, ReceivedBody content) {
        boolean verified;
        try {
            verified = signer.signerInformation().verify(signer.verifier());
        } catch (CMSException | RuntimeException e) { // Bouncy Castle reports some defects of the signature unchecked
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the signature does not verify: " + e.getMessage(), e);
        }
        if (!verified) {
            throw new GatewayException(
                    GatewayError.SIGNATURE_INVALID, "the signature does not verify over the content");
        }
        return new SignedDocument(
                content,
                signer.signer(),
                signer.carriedCertificates(),
                signer.signingTime(),
                signer.algorithm(),
                signer.signatureTimeStamp());
    }

    private static DigestCalculatorProvider digests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("no digest calculators", e);
        }
    }

    private static boolean isPem(byte[] container) {
        return startsWith(trimLeadingWhitespace(container), PEM_START);
    }

    private static CMSSignedData parse(ByteArrayInputStream der) {
        CMSSignedData signedData;
        try {
            signedData = new CMSSignedData(der);
        } catch (CMSException | RuntimeException e) {
            // Bouncy Castle reports truncated or garbled ASN.1 with several unchecked exception types.
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the body is not CMS SignedData (DER or PEM): " + e.getMessage(),
                    e);
        }
        // Bouncy Castle stops reading at the end of the ContentInfo. The archive keeps the body as the signed
        // message, so anything after it would be kept as if it were signed.
        int following = der.available();
        if (following > 0) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    following + (following == 1 ? " byte" : " bytes")
                            + " after the end of the CMS structure; nothing may follow it");
        }
        return signedData;
    }

    private static byte[] fromPem(byte[] container) {
        String text = new String(container, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        int headerEnd = text.indexOf("-----", begin + 11);
        int end = text.indexOf("-----END ", headerEnd);
        if (begin < 0 || headerEnd < 0 || end < 0) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the PEM body has no matching BEGIN and END lines");
        }
        String label = text.substring(begin + 11, headerEnd);
        if (!label.equals("CMS") && !label.equals("PKCS7")) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the PEM label is '" + label + "'; expected CMS or PKCS7");
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
}
