package org.cbec.gateway.signature;

import java.util.List;

/**
 * The algorithms a signature was made with, in one vocabulary for every container.
 *
 * @param digest JCA digest name: {@code SHA-1}, {@code SHA-256}, {@code SHA-384}, {@code SHA-512}, {@code MD5};
 *               for Ed25519 the digest is part of the scheme and is {@code SHA-512}
 * @param scheme {@code RSA} (PKCS#1 v1.5), {@code RSASSA-PSS}, {@code ECDSA}, {@code Ed25519}, or the
 *               raw OID / name when unknown
 * @param name   the container's own name for it (an OID, a URI, a JWS alg), for evidence and messages
 * @param referenceDigests for XML signatures, the JCA digest name of every ds:Reference's DigestMethod, each of
 *               which the algorithm policy judges as it judges {@code digest}; empty for the other containers
 */
public record SignatureAlgorithm(String digest, String scheme, String name, List<String> referenceDigests) {
    public SignatureAlgorithm {
        referenceDigests = List.copyOf(referenceDigests);
    }

    /** An algorithm that hashes once (CMS, JWS): no reference digests besides its own. */
    public SignatureAlgorithm(String digest, String scheme, String name) {
        this(digest, scheme, name, List.of());
    }

    @Override
    public String toString() {
        return scheme + " with " + digest + " (" + name + ")";
    }
}
