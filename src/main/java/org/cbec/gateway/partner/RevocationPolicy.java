package org.cbec.gateway.partner;

import java.util.Arrays;
import java.util.Optional;

/** How a partner's signer certificates are checked for revocation (partner file key {@code revocation}). */
public enum RevocationPolicy {
    NONE("none"),
    CRL("crl"),
    OCSP("ocsp"),
    OCSP_THEN_CRL("ocsp-then-crl");

    private final String value;

    RevocationPolicy(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<RevocationPolicy> of(String value) {
        return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
    }
}
