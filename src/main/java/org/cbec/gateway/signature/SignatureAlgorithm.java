package org.cbec.gateway.signature;

/**
 * The algorithms a signature was made with, in one vocabulary for every container.
 *
 * @param digest JCA digest name: {@code SHA-1}, {@code SHA-256}, {@code SHA-384}, {@code SHA-512}, {@code MD5};
 *               for Ed25519 the digest is part of the scheme and is {@code SHA-512}
 * @param scheme {@code RSA} (PKCS#1 v1.5), {@code RSASSA-PSS}, {@code ECDSA}, {@code Ed25519}, or the
 *               raw OID / name when unknown
 * @param name   the container's own name for it (an OID, a URI, a JWS alg), for evidence and messages
 */
public record SignatureAlgorithm(String digest, String scheme, String name) {
    @Override
    public String toString() {
        return scheme + " with " + digest + " (" + name + ")";
    }
}
