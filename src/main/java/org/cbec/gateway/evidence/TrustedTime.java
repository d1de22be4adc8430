package org.cbec.gateway.evidence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether the evidence is being time-stamped (CONTRACT.md §10): a seal that could not be stamped starts an outage,
 * the next stamped seal ends it; past {@code gateway.evidence.tsa.max-outage} the intake refuses with
 * EVIDENCE_UNAVAILABLE. Reading it is one volatile read: the per-message path never waits for a TSA.
 */
public final class TrustedTime {
    private final Clock clock;
    private final Duration maxOutage;
    private volatile Instant outageSince;
    private volatile String lastProblem;

    public TrustedTime(Clock clock, Duration maxOutage) {
        this.clock = clock;
        this.maxOutage = maxOutage;
    }

    /** Every seal so far carries its token. */
    public void stamped() {
        outageSince = null;
        lastProblem = null;
    }

    /** A seal could not be stamped now; the outage runs from the first such failure. */
    public void failed(String problem) {
        if (outageSince == null) {
            outageSince = clock.instant();
        }
        lastProblem = problem;
    }

    /** False once no seal could be stamped for longer than the allowed outage. */
    public boolean available() {
        Instant since = outageSince;
        return since == null || !clock.instant().isAfter(since.plus(maxOutage));
    }

    /** What is wrong, for the health answer and the refusal's detail; null while seals are stamped. */
    public String problem() {
        Instant since = outageSince;
        return since == null ? null : "no evidence seal time-stamped since " + since + ": " + lastProblem;
    }

    public Duration maxOutage() {
        return maxOutage;
    }
}
