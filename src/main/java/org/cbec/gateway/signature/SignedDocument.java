package org.cbec.gateway.signature;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.cbec.gateway.evidence.ReceivedBody;

/**
 * What every signature container yields once its signature has verified: the signed content, the
 * signer's certificate, the other certificates the container carried, and when it says it was signed.
 *
 * @param signedContent the signed content; CMS gives it in place, as the part of the request body it is
 * @param signingTime the signed signing-time attribute, when the container has one: a claim of the signer's
 * @param signatureTimeStamp an RFC 3161 token over the signature, when the container carries one: a TSA's proof
 */
public record SignedDocument(
        ReceivedBody signedContent,
        X509Certificate signer,
        List<X509Certificate> carriedCertificates,
        Optional<Instant> signingTime,
        SignatureAlgorithm algorithm,
        Optional<SignatureTimeStamp> signatureTimeStamp) {

    public SignedDocument {
        carriedCertificates = List.copyOf(carriedCertificates);
    }

    /** A container without a signature time-stamp token (all but CMS and S/MIME, which may carry one). */
    public SignedDocument(
            ReceivedBody signedContent,
            X509Certificate signer,
            List<X509Certificate> carriedCertificates,
            Optional<Instant> signingTime,
            SignatureAlgorithm algorithm) {
        this(signedContent, signer, carriedCertificates, signingTime, algorithm, Optional.empty());
    }

    public SignedDocument(
            byte[] content,
            X509Certificate signer,
            List<X509Certificate> carriedCertificates,
            Optional<Instant> signingTime,
            SignatureAlgorithm algorithm) {
        this(ReceivedBody.of(content), signer, carriedCertificates, signingTime, algorithm);
    }

    /** The signed content as an array of its own: a copy when it was read in place (prefer {@link #signedContent}). */
    public byte[] content() {
        return signedContent.bytes();
    }
}
