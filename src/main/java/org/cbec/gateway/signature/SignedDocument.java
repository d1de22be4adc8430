package org.cbec.gateway.signature;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What every signature container yields once its signature has verified: the signed content, the
 * signer's certificate, the other certificates the container carried, and when it says it was signed.
 *
 * @param signingTime the signed signing-time attribute, when the container has one
 */
public record SignedDocument(
        byte[] content,
        X509Certificate signer,
        List<X509Certificate> carriedCertificates,
        Optional<Instant> signingTime,
        SignatureAlgorithm algorithm) {

    public SignedDocument {
        carriedCertificates = List.copyOf(carriedCertificates);
    }
}
