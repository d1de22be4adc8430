package org.cbec.gateway.signature;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The signing-time window: a message signed longer ago than {@code gateway.inbound.max-age}, or further
 * in the future than {@code gateway.inbound.max-clock-skew}, is refused as STALE_MESSAGE. A container
 * without a signing time is judged at the time it was received.
 */
public final class SigningTimePolicy {
    private final Clock clock;
    private final Duration maxAge;
    private final Duration maxClockSkew;

    public SigningTimePolicy(Clock clock, Duration maxAge, Duration maxClockSkew) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxClockSkew = maxClockSkew;
    }

    /** The instant at which the signer's certificates must have been valid. */
    public Instant effectiveSigningTime(Optional<Instant> signingTime, Instant receivedAt) {
        return signingTime.orElse(receivedAt);
    }

    public void check(Optional<Instant> signingTime) {
        if (signingTime.isEmpty()) {
            return;
        }
        Instant signed = signingTime.get();
        Instant now = clock.instant();
        if (signed.isAfter(now.plus(maxClockSkew))) {
            throw new GatewayException(GatewayError.STALE_MESSAGE,
                    "the signing time " + signed + " lies beyond the allowed clock skew of " + maxClockSkew + " (now " + now + ")");
        }
        if (signed.isBefore(now.minus(maxAge))) {
            throw new GatewayException(GatewayError.STALE_MESSAGE,
                    "the signing time " + signed + " is older than the allowed age of " + maxAge + " (now " + now + ")");
        }
    }
}
