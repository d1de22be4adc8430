package org.cbec.gateway.signature.revocation;

import java.time.Duration;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * How the revocation checker talks to the network and how long it trusts an answer.
 *
 * @param networkTimeout  how long one CRL download or one OCSP exchange may take, connection included
 * @param clockSkew       how far an answer's thisUpdate may lie in the future of the gateway's clock
 * @param maxAge          how old (by thisUpdate) an answer without nextUpdate may be and still count
 * @param defaultValidity how long an answer without nextUpdate is cached after it was fetched
 */
public record RevocationSettings(
        Duration networkTimeout, Duration clockSkew, Duration maxAge, Duration defaultValidity) {
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(1);

    public RevocationSettings {
        positive("networkTimeout", networkTimeout);
        positive("clockSkew", clockSkew);
        positive("maxAge", maxAge);
        positive("defaultValidity", defaultValidity);
    }

    /** The defaults (5 minutes skew, 7 days max age, 1 hour default validity) with the given network timeout. */
    public static RevocationSettings withNetworkTimeout(Duration networkTimeout) {
        return new RevocationSettings(networkTimeout, DEFAULT_CLOCK_SKEW, DEFAULT_MAX_AGE, DEFAULT_VALIDITY);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new GatewayException(
                    GatewayError.CONFIGURATION_INVALID,
                    "the revocation setting " + name + " must be a positive duration, not " + value);
        }
    }
}
