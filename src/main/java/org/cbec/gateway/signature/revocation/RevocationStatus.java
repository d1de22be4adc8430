package org.cbec.gateway.signature.revocation;

import java.time.Instant;

/**
 * What one source (a CRL, an OCSP responder, or both in turn) says about one certificate.
 *
 * @param source    where the answer came from, e.g. {@code OCSP http://ocsp.example/}; for UNKNOWN, what was tried
 * @param revokedAt when the certificate was revoked (REVOKED only)
 * @param reason    the RFC 5280 revocation reason name (REVOKED only)
 * @param problem   why no status could be had (UNKNOWN only)
 */
record RevocationStatus(State state, String source, Instant revokedAt, String reason, String problem) {

    /** GOOD and REVOKED are answers; UNKNOWN means no usable answer. */
    enum State {
        GOOD,
        REVOKED,
        UNKNOWN
    }

    static RevocationStatus good(String source) {
        return new RevocationStatus(State.GOOD, source, null, null, null);
    }

    static RevocationStatus revoked(String source, Instant revokedAt, String reason) {
        return new RevocationStatus(State.REVOKED, source, revokedAt, reason, null);
    }

    static RevocationStatus unknown(String source, String problem) {
        return new RevocationStatus(State.UNKNOWN, source, null, null, problem);
    }

    boolean known() {
        return state != State.UNKNOWN;
    }
}
