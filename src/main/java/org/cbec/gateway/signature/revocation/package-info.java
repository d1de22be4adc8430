/**
 * Certificate revocation checking for partner signer chains (CONTRACT.md §2 {@code revocation}, {@code crls}):
 * CRLs from local files or distribution points, OCSP from the Authority Information Access, both cached
 * within their validity so that a message with a fresh cached answer never waits on the network.
 * The entry point is {@link org.cbec.gateway.signature.revocation.RevocationChecker}.
 */
package org.cbec.gateway.signature.revocation;
