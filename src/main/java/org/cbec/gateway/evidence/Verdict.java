package org.cbec.gateway.evidence;

/** What the gateway decided about one received message. */
public enum Verdict {
    /** Verified, translated and queued; a 202 was (or is being) sent. */
    ACCEPTED,
    /** Refused with a code; nothing was queued. */
    REJECTED,
    /** The same bytes as an earlier accepted message; answered with the first receipt. */
    DUPLICATE
}
