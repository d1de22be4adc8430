package org.cbec.gateway.signature;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.cbec.gateway.error.GatewayError;
import org.cbec.gateway.error.GatewayException;

/**
 * The signing-time window: a message signed longer ago than {@code gateway.inbound.max-age}, or further
 * in the future than {@code gateway.inbound.max-clock-skew}, is refused as STALE_MESSAGE.
 *
 * <p>The signing time is the signer's own claim, so it never decides whether the signer's certificates were valid:
 * a partner could backdate it to sign with a certificate already expired. The chain is judged at the time an RFC 3161
 * signature time-stamp token from a trusted TSA proves ({@link TimeStampAuthorities}), or else at the time received.
 */
public final class SigningTimePolicy {
    private final Clock clock;
    private final Duration maxAge;
    private final Duration maxClockSkew;
    private final TimeStampAuthorities timeStampAuthorities;

    public SigningTimePolicy(
            Clock clock, Duration maxAge, Duration maxClockSkew, TimeStampAuthorities timeStampAuthorities) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.maxClockSkew = maxClockSkew;
        this.timeStampAuthorities = timeStampAuthorities;
    }

    /** Trusting no TSA: every signer is judged at the time received. */
    public SigningTimePolicy(Clock clock, Duration maxAge, Duration maxClockSkew) {
        this(clock, maxAge, maxClockSkew, TimeStampAuthorities.none());
    }

    /**
     * The instant at which the signer's certificates must have been valid: the time a signature time-stamp token
     * proves (TIMESTAMP_INVALID when it proves nothing), or else the time received; never the claimed signing time.
     */
    public Instant effectiveSigningTime(SignedDocument signed, Instant receivedAt) {
        return signed.signatureTimeStamp().map(timeStampAuthorities::timeOf).orElse(receivedAt);
    }

    public void check(Optional<Instant> signingTime) {
        if (signingTime.isEmpty()) {
            return;
        }
        Instant signed = signingTime.get();
        Instant now = clock.instant();
        if (signed.isAfter(now.plus(maxClockSkew))) {
            throw new GatewayException(
                    GatewayError.STALE_MESSAGE,
                    "the signing time " + signed + " lies beyond the allowed clock skew of " + maxClockSkew + " (now "
                            + now + ")");
        }
        if (signed.isBefore(now.minus(maxAge))) {
            throw new GatewayException(
                    GatewayError.STALE_MESSAGE,
                    "the signing time " + signed + " is older than the allowed age of " + maxAge + " (now " + now
                            + ")");
        }
    }
}
