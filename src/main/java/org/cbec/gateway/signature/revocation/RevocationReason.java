package org.cbec.gateway.signature.revocation;

/** The RFC 5280 CRLReason names, for refusal details that operators can look up. */
final class RevocationReason {
    /** Indexed by the CRLReason code; 7 is unassigned. */
    private static final String[] NAMES = {
        "unspecified",
        "keyCompromise",
        "cACompromise",
        "affiliationChanged",
        "superseded",
        "cessationOfOperation",
        "certificateHold",
        "unassigned(7)",
        "removeFromCRL",
        "privilegeWithdrawn",
        "aACompromise"
    };

    static final int REMOVE_FROM_CRL = 8;

    private RevocationReason() {}

    static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "reason code " + code;
    }
}
