package org.cbec.gateway.signature.smime;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;
import org.cbec.gateway.signature.CmsSignerInfo;
import org.cbec.gateway.signature.SignatureAlgorithm;

/**
 * A detached CMS SignedData, opened once and checked against one or more candidate contents. The signer
 * rules are {@link CmsSignerInfo}'s, shared with the encapsulated CMS container.
 *
 * <p>One instance per message; not shared between threads.
 */
final class DetachedCmsSignature {
    private final ContentInfo contentInfo;
    private final CmsSignerInfo signerInfo;
    private String lastFailure = "the signature does not verify over the signed part";

    private DetachedCmsSignature(ContentInfo contentInfo, CmsSignerInfo signerInfo) {
        this.contentInfo = contentInfo;
        this.signerInfo = signerInfo;
    }

    /** Parses the DER signature and finds its one signer; the signature itself is checked by {@link #verifies}. */
    static DetachedCmsSignature open(byte[] der) {
        ContentInfo contentInfo = contentInfo(der);
        CMSSignedData signedData;
        try {
            // Empty content: this instance only reads the signer, its certificates and attributes.
            signedData = new CMSSignedData(new CMSProcessableByteArray(new byte[0]), contentInfo);
        } catch (CMSException e) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the signature part is not CMS SignedData: " + e.getMessage(), e);
        }
        return new DetachedCmsSignature(contentInfo, CmsSignerInfo.of(signedData));
    }

    private static ContentInfo contentInfo(byte[] der) {
        ContentInfo contentInfo;
        SignedData signedData;
        org.cbec.gateway.signature.BerDepth.check(der, "the signature part");
        try {
            contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            signedData = CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())
                    ? SignedData.getInstance(contentInfo.getContent())
                    : null;
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports truncated or garbled ASN.1 with several unchecked exception types.
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE, "the signature part is not CMS SignedData: " + e.getMessage(), e);
        }
        if (signedData == null) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the signature part is CMS " + contentInfo.getContentType() + ", not SignedData");
        }
        if (signedData.getEncapContentInfo().getContent() != null) {
            throw new GatewayException(
                    GatewayError.MALFORMED_MESSAGE,
                    "the signature part encapsulates content; multipart/signed needs a detached signature");
        }
        return contentInfo;
    }

    /** Whether the signature verifies over {@code content}; if not, {@link #lastFailure} says why. */
    boolean verifies(byte[] content) {
        try {
            CMSSignedData signedData = new CMSSignedData(new CMSProcessableByteArray(content), contentInfo);
            SignerInformation signerInformation =
                    signedData.getSignerInfos().getSigners().iterator().next();
            if (signerInformation.verify(signerInfo.verifier())) {
                return true;
            }
            lastFailure = "the signature does not verify over the signed part";
        } catch (CMSException | RuntimeException e) {
            // A digest mismatch is a CMSException too; the caller may try the canonical form before refusing.
            // Bouncy Castle reports some defects of the signature unchecked, as CmsSignedDataVerifier notes: an
            // unknown digest algorithm under rsaEncryption is an IllegalArgumentException (found by fuzzing).
            lastFailure = "the signature does not verify over the signed part: " + e.getMessage();
        }
        return false;
    }

    String lastFailure() {
        return lastFailure;
    }

    X509Certificate signer() {
        return signerInfo.signer();
    }

    List<X509Certificate> carriedCertificates() {
        return signerInfo.carriedCertificates();
    }

    Optional<Instant> signingTime() {
        return signerInfo.signingTime();
    }

    Optional<org.cbec.gateway.signature.SignatureTimeStamp> signatureTimeStamp() {
        return signerInfo.signatureTimeStamp();
    }

    SignatureAlgorithm algorithm() {
        return signerInfo.algorithm();
    }
}
